package dev.breachresponse.keycloak.incident.jpa;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.LogoutOutbox;

/** JPA back-channel logout outbox; runs in the caller's transaction. */
final class JpaLogoutOutbox implements LogoutOutbox {

    private final EntityManager em;

    JpaLogoutOutbox(EntityManager em) {
        this.em = em;
    }

    @Override
    public void add(String realmId, String clientId, String userId, String url, String claims, long now) {
        LogoutEntity l = new LogoutEntity();
        l.setId(KeycloakModelUtils.generateId());
        l.setRealmId(realmId);
        l.setClientId(clientId);
        l.setUserId(userId);
        l.setUrl(url);
        l.setClaims(claims);
        l.setState(OutboxState.PENDING.name());
        l.setCreatedAt(now);
        em.persist(l);
    }

    @Override
    public List<String> sendable(long now, int maxAttempts, int max) {
        return em.createNamedQuery("brLogoutSendable", String.class).setParameter("now", now).setParameter("maxAttempts", maxAttempts)
                .setMaxResults(max).getResultList();
    }

    @Override
    public Optional<Logout> lock(String id) {
        return Optional.ofNullable(em.find(LogoutEntity.class, id, LockModeType.PESSIMISTIC_WRITE))
                .map(l -> new Logout(l.getId(), l.getRealmId(), l.getClientId(), l.getUserId(), l.getUrl(), l.getClaims(),
                        OutboxState.valueOf(l.getState()), l.getAttempts()));
    }

    @Override
    public void markSent(String id, long at) {
        LogoutEntity l = em.find(LogoutEntity.class, id);
        l.delivered(at);
        // the claims are of no use once delivered
        l.setClaims("{}");
    }

    @Override
    public void markFailed(String id, String error, long nextAttemptAt) {
        em.find(LogoutEntity.class, id).failed(error, nextAttemptAt);
    }

    @Override
    public void markCancelled(String id, String why) {
        LogoutEntity l = em.find(LogoutEntity.class, id);
        l.cancelled();
        l.setLastError(why);
    }

    @Override
    public int purge(long before) {
        return em.createNamedQuery("brLogoutPurge").setParameter("before", before).executeUpdate();
    }

    @Override
    public Map<OutboxState, Long> counts(String realmId) {
        Map<OutboxState, Long> out = new EnumMap<>(OutboxState.class);
        for (OutboxState s : OutboxState.values()) {
            out.put(s, 0L);
        }
        for (Object[] row : em.createNamedQuery("brLogoutCounts", Object[].class).setParameter("realmId", realmId).getResultList()) {
            out.put(OutboxState.valueOf((String) row[0]), ((Number) row[1]).longValue());
        }
        return out;
    }

    @Override
    public List<Entry> list(String realmId, OutboxState state, int first, int max) {
        var q = state == null
                ? em.createNamedQuery("brLogoutsOfRealm", LogoutEntity.class)
                : em.createNamedQuery("brLogoutsOfRealmByState", LogoutEntity.class).setParameter("state", state.name());
        return q.setParameter("realmId", realmId).setFirstResult(first).setMaxResults(max).getResultStream()
                .map(l -> new Entry(l.getId(), l.getClientId(), l.getUserId(), OutboxState.valueOf(l.getState()), l.getCreatedAt(),
                        l.getSentAt(), l.getAttempts(), l.getNextAttemptAt(), l.getLastError()))
                .toList();
    }
}
