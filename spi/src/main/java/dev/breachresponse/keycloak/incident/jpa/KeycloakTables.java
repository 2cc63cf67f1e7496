package dev.breachresponse.keycloak.incident.jpa;

import dev.breachresponse.keycloak.incident.SubjectType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.persistence.EntityManager;

import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * The only place this extension reads or writes Keycloak's own tables (USER_ENTITY, OFFLINE/persistent user
 * sessions), set-based for the bulk worker's chunks; part of {@link JpaIncidentStore}.
 */
final class KeycloakTables {

    /**
     * SQL of the ids of the realm's users whose username or email starts with a prefix (parameters
     * {@code :realmId}, and {@code :prefix} as {@link #likePrefix} makes it), for a join when a prefix matches
     * too many users to list them ({@link #usersByPrefix}). The union (not an OR) lists a user matched by both
     * once and leaves each arm one of the user table's indexes to use.
     */
    static final String USERS_BY_PREFIX_SQL = "select u.ID from USER_ENTITY u where u.REALM_ID = :realmId and u.USERNAME like :prefix escape '!'"
            + " union select u.ID from USER_ENTITY u where u.EMAIL like :prefix escape '!' and u.REALM_ID = :realmId";

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

    /**
     * Ids of the realm's users whose username or email starts with {@code prefix} (lower case), or {@code null}
     * when more than {@code limit} users match either (then a join does better than a list of ids). Two range reads
     * of the user table's own indexes, each stopping after {@code limit + 1} rows: usernames through the unique
     * (REALM_ID, USERNAME), emails through IDX_USER_EMAIL (EMAIL), by email alone with the realm checked here
     * (with the realm in the WHERE clause, H2 and PostgreSQL's generic plans prefer the realm's
     * (REALM_ID, EMAIL_CONSTRAINT) index and walk all its users). Keycloak stores both lower case, so the columns
     * are compared as they are (a lower() would hide the indexes), as Keycloak's own user search does.
     * PostgreSQL uses a btree index for {@code LIKE 'prefix%'} only under the "C" collation or with a
     * {@code varchar_pattern_ops} index, and only when it plans with the value (see {@link CustomPlans});
     * docs/performance.md says how to add those indexes.
     */
    public Set<String> usersByPrefix(String realmId, String prefix, int limit) {
        String pattern = likePrefix(prefix);
        List<String> byUsername = em.createQuery("select u.id from UserEntity u where u.realmId = :realmId and u.username like :p escape '!'",
                String.class).setParameter("realmId", realmId).setParameter("p", pattern).setMaxResults(limit + 1).getResultList();
        if (byUsername.size() > limit) {
            return null;
        }
        List<Object[]> byEmail = em.createQuery("select u.id, u.realmId from UserEntity u where u.email like :p escape '!'", Object[].class)
                .setParameter("p", pattern).setMaxResults(limit + 1).getResultList();
        if (byEmail.size() > limit) {
            return null;
        }
        Set<String> ids = new HashSet<>(byUsername);
        for (Object[] row : byEmail) {
            if (realmId.equals(row[1])) {
                ids.add((String) row[0]);
            }
        }
        return ids;
    }

    /** The LIKE pattern of a lower-case prefix: {@code !}, {@code %}, {@code _} escaped with {@code !}. */
    static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    /** A user's username and email as Keycloak stores them (lower case; email may be null). */
    record Names(String username, String email) {
    }

    /**
     * Username and email of those of {@code userIds} that have a row in the realm, by primary key in one query (the
     * realm checked here, see {@link #storedUsers}). Users without a row are absent from the map.
     */
    public Map<String, Names> names(String realmId, Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Names> out = new HashMap<>();
        for (Object[] row : em.createQuery("select u.id, u.username, u.email, u.realmId from UserEntity u where u.id in :ids", Object[].class)
                .setParameter("ids", userIds).getResultList()) {
            if (realmId.equals(row[3])) {
                out.put((String) row[0], new Names((String) row[1], (String) row[2]));
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
