package dev.breachresponse.keycloak.incident.jpa;

import dev.breachresponse.keycloak.incident.SubjectType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.persistence.EntityManager;

import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * The only place this extension reads or writes Keycloak's own tables (USER_ENTITY, OFFLINE/persistent user
 * sessions), set-based for the bulk worker's chunks; part of {@link JpaIncidentStore}.
 */
final class KeycloakTables {

    private final EntityManager em;

    KeycloakTables(EntityManager em) {
        this.em = em;
    }

    public List<IncidentStore.StoredUser> storedUsers(String realmId, SubjectType key, Collection<String> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        // Email and id alone, realm checked here (see JpaFlags.flagStates: with the realm in the WHERE clause a generic
        // plan may walk the realm's (REALM_ID, EMAIL_CONSTRAINT) index); usernames are unique per realm and
        // their index leads with the realm, so both columns go to the database.
        String where = switch (key) {
            case EMAIL -> "u.email in :v";
            case ID -> "u.id in :v";
            case USERNAME -> "u.realmId = :realmId and u.username in :v";
        };
        var q = em.createQuery("select u.id, u.username, u.email, u.federationLink, u.serviceAccountClientLink, u.realmId from UserEntity u where "
                + where, Object[].class).setParameter("v", values);
        if (key == SubjectType.USERNAME) {
            q.setParameter("realmId", realmId);
        }
        List<IncidentStore.StoredUser> out = new ArrayList<>(values.size());
        for (Object[] row : q.getResultList()) {
            if (realmId.equals(row[5])) {
                out.add(new IncidentStore.StoredUser((String) row[0], (String) row[1], (String) row[2], (String) row[3], row[4] != null));
            }
        }
        return out;
    }

    public Set<String> usersWithStoredSessions(String realmId, Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        // by user alone (its index leads with the user), the realm checked here: see JpaFlags.flagStates
        Set<String> out = new HashSet<>();
        for (Object[] row : em.createQuery("select s.userId, s.realmId from PersistentUserSessionEntity s where s.userId in :ids", Object[].class)
                .setParameter("ids", userIds).getResultList()) {
            if (realmId.equals(row[1])) {
                out.add((String) row[0]);
            }
        }
        return out;
    }

    public int setNotBeforeOfStoredUsers(String realmId, Collection<String> userIds, int notBefore) {
        if (userIds.isEmpty()) {
            return 0;
        }
        return em.createQuery("update UserEntity u set u.notBefore = :nb where u.realmId = :realmId and u.id in :ids")
                .setParameter("nb", notBefore).setParameter("realmId", realmId).setParameter("ids", userIds).executeUpdate();
    }
}
