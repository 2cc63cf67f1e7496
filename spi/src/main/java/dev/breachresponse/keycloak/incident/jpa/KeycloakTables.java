package dev.breachresponse.keycloak.incident.jpa;

import dev.breachresponse.keycloak.incident.SubjectType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.hibernate.engine.spi.EntityKey;
import org.hibernate.jdbc.ReturningWork;
import org.keycloak.models.jpa.entities.UserEntity;

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

    /**
     * Stored users of the realm named by {@code values} ({@code key}: ids, usernames or emails as Keycloak stores them).
     * Plain JDBC, as {@link #usersWithStoredSessions} and {@link #setNotBeforeOfStoredUsers}: the bulk worker runs these
     * with up to a chunk's worth of values, where Hibernate's translation of a query with that many parameters cost
     * more CPU than the database took to answer it (issue 15, profiled on MariaDB).
     */
    public List<IncidentStore.StoredUser> storedUsers(String realmId, SubjectType key, Collection<String> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        // Email and id alone, realm checked here (see JpaFlags.flagStates: with the realm in the WHERE clause a generic
        // plan may walk the realm's (REALM_ID, EMAIL_CONSTRAINT) index); usernames are unique per realm and
        // their index leads with the realm, so both columns go to the database.
        String where = switch (key) {
            case EMAIL -> "EMAIL in (" + marks(values.size()) + ")";
            case ID -> "ID in (" + marks(values.size()) + ")";
            case USERNAME -> "REALM_ID = ? and USERNAME in (" + marks(values.size()) + ")";
        };
        String sql = "select ID, USERNAME, EMAIL, FEDERATION_LINK, SERVICE_ACCOUNT_CLIENT_LINK, REALM_ID from USER_ENTITY where " + where;
        List<String> params = new ArrayList<>(values.size() + 1);
        if (key == SubjectType.USERNAME) {
            params.add(realmId);
        }
        params.addAll(values);
        List<IncidentStore.StoredUser> out = new ArrayList<>(values.size());
        query(sql, params, rs -> {
            if (realmId.equals(rs.getString(6))) {
                out.add(new IncidentStore.StoredUser(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5) != null));
            }
        });
        return out;
    }

    /**
     * Ids of the realm's users whose username or email starts with {@code prefix} (lower case), or {@code null}
     * when more than {@code limit} users match either (then {@link #userMatchesPrefix} does better). Two range reads
     * of the user table's own indexes, each stopping after {@code limit + 1} rows: usernames through the unique
     * (REALM_ID, USERNAME), emails through IDX_USER_EMAIL (EMAIL), by email alone with the realm checked here
     * (with the realm in the WHERE clause, H2 and PostgreSQL's generic plans prefer the realm's
     * (REALM_ID, EMAIL_CONSTRAINT) index and walk all its users). Keycloak stores both lower case, so the columns
     * are compared as they are (a lower() would hide the indexes), as Keycloak's own user search does.
     * PostgreSQL uses a btree index for {@code LIKE 'prefix%'} only under the "C" collation or with a
     * {@code varchar_pattern_ops} index, and only when it plans with the value (the caller wraps this in
     * {@link CustomPlans}): the changelog adds two such indexes there (2026-12-02-incident-console.xml).
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

    /**
     * A JPQL condition on the flag alias {@code flag}: its user's row has a username or email that starts with the
     * prefix (parameter {@code :prefix}, as {@link #likePrefix} makes it), for a prefix too broad to list its users
     * ({@link #usersByPrefix} answered null). Written so that the only condition on the user table is its primary
     * key: the comparison sits in the subquery's select list, where no database looks for an index and none turns
     * the subquery into a join. So every database reads the user of each flag by primary key, linear in the
     * incident's flags whatever its statistics say; a semi-join (EXISTS), planned by PostgreSQL without statistics
     * (a table filled since the last ANALYZE, as after a bulk job), read every flag once per matching user: 3.2 s at
     * 5,000 flags, where this takes 8 ms. No realm condition is needed: a flag's user id is a user of the flag's
     * realm, and user ids are unique across realms.
     */
    static String userMatchesPrefix(String flag) {
        return "(select case when u.username like :prefix escape '!' or u.email like :prefix escape '!' then 1 else 0 end"
                + " from UserEntity u where u.id = " + flag + ".userId) = 1";
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

    /** Those of {@code userIds} that hold a session stored in the database (Keycloak's persistent user sessions). */
    public Set<String> usersWithStoredSessions(String realmId, Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        // by user alone (its index leads with the user), the realm checked here: see JpaFlags.flagStates
        String sql = "select USER_ID, REALM_ID from OFFLINE_USER_SESSION where USER_ID in (" + marks(userIds.size()) + ")";
        Set<String> out = new HashSet<>();
        query(sql, userIds, rs -> {
            if (realmId.equals(rs.getString(2))) {
                out.add(rs.getString(1));
            }
        });
        return out;
    }

    /**
     * Sets Keycloak's not-before of the realm's stored users among {@code userIds} (seconds, {@code UserEntity.notBefore}).
     * Changes of this transaction still waiting in the persistence context are written first (as Hibernate does before
     * a JPQL bulk update), and a user entity this transaction holds is read again after the update: Keycloak writes a
     * changed user as a whole row, so a later change of that user in this transaction would otherwise write the old
     * not-before back and undo the revocation.
     *
     * @return the number of users updated
     */
    public int setNotBeforeOfStoredUsers(String realmId, Collection<String> userIds, int notBefore) {
        if (userIds.isEmpty()) {
            return 0;
        }
        em.flush();
        String sql = "update USER_ENTITY set NOT_BEFORE = ? where REALM_ID = ? and ID in (" + marks(userIds.size()) + ")";
        int updated = jdbc(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, notBefore);
                ps.setString(2, realmId);
                int p = 3;
                for (String id : userIds) {
                    ps.setString(p++, id);
                }
                return ps.executeUpdate();
            }
        });
        Set<String> ids = new HashSet<>(userIds);
        Session session = em.unwrap(Session.class);
        for (Object held : List.copyOf(session.getStatistics().getEntityKeys())) {
            if (held instanceof EntityKey key && UserEntity.class.getName().equals(key.getEntityName()) && ids.contains(key.getIdentifier())) {
                // in the persistence context already: found there, no query
                em.refresh(em.find(UserEntity.class, key.getIdentifier()));
            }
        }
        return updated;
    }

    private <T> T jdbc(ReturningWork<T> work) {
        return em.unwrap(Session.class).doReturningWork(work);
    }

    /** One row of a plain-JDBC result, read in place. */
    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql} on this transaction's connection with {@code params} bound as strings, in order; each row to {@code row}. */
    private void query(String sql, Collection<String> params, RowReader row) {
        jdbc(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (String v : params) {
                    ps.setString(p++, v);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.read(rs);
                    }
                }
            }
            return null;
        });
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
