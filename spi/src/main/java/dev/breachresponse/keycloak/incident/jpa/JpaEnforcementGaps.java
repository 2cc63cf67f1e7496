package dev.breachresponse.keycloak.incident.jpa;

import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import dev.breachresponse.keycloak.incident.EnforcementGaps;

/** JPA store of the backstop's refused paths (BR_ENFORCEMENT_GAP). */
final class JpaEnforcementGaps implements EnforcementGaps {

    private final EntityManager em;

    JpaEnforcementGaps(EntityManager em) {
        this.em = em;
    }

    @Override
    public void record(String realmId, String path, long now) {
        EnforcementGapEntity g = em.find(EnforcementGapEntity.class, new EnforcementGapEntity.Key(realmId, path), LockModeType.PESSIMISTIC_WRITE);
        if (g == null) {
            g = new EnforcementGapEntity();
            g.setRealmId(realmId);
            g.setPath(path);
            g.setFirstSeenAt(now);
            em.persist(g);
        }
        g.setLastSeenAt(now);
        g.setRefused(g.getRefused() + 1);
        em.flush();
    }

    @Override
    public List<Gap> list(String realmId, int max) {
        return em.createNamedQuery("brGapsByRealm", EnforcementGapEntity.class)
                .setParameter("realmId", realmId)
                .setMaxResults(max)
                .getResultStream()
                .map(g -> new Gap(g.getPath(), g.getFirstSeenAt(), g.getLastSeenAt(), g.getRefused()))
                .toList();
    }
}
