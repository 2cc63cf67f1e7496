package dev.breachresponse.keycloak.incident.jpa;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.persistence.TypedQuery;

import org.keycloak.models.RealmModel;

import dev.breachresponse.keycloak.incident.DailyFunnel;
import dev.breachresponse.keycloak.incident.FlagFilter;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentActivity;
import dev.breachresponse.keycloak.incident.IncidentRowId;
import dev.breachresponse.keycloak.incident.ListedFlag;

/**
 * What the incident console reads about many flags at once: pages of an incident's flags with who the users are
 * (filtered by state and by a username or email prefix), counts, keyset pages for the CSV export, the incidents'
 * flags per state and last activity, and the daily funnel. Read only; part of {@link JpaIncidentStore}. Every query
 * is set-based and index-backed (the indexes are named at each query; docs/architecture.md, Data, lists them), and
 * runs the same on H2, PostgreSQL and MariaDB.
 */
final class JpaFlagReports {

    private final EntityManager em;
    private final KeycloakTables keycloak;

    JpaFlagReports(EntityManager em, KeycloakTables keycloak) {
        this.em = em;
        this.keycloak = keycloak;
    }

    /**
     * Users a prefix may list by id before a join does better: up to this many per kind (username, email), so at
     * most twice as many ids go into one IN list.
     */
    static final int LISTED_USERS = 500;

    /**
     * Without a prefix: the incident's flags through IDX_BR_FLAG_INCIDENT_STATE (incident, state, flagged at). With
     * one, the matching users first, through the user table's own indexes ({@link KeycloakTables#usersByPrefix}),
     * then their flags through UK_BR_FLAG_INCIDENT_USER (incident, user): the work grows with the users that match,
     * not with the incident's flags, which is what a name typed into a search box needs. A prefix that matches more
     * than {@value #LISTED_USERS} users of one kind is joined instead ({@link KeycloakTables#USERS_BY_PREFIX_SQL}),
     * and the database picks the side to start from.
     */
    List<ListedFlag> listFlags(RealmModel realm, Incident incident, FlagFilter filter, int first, int max) {
        if (filter.prefix() == null) {
            return withNames(realm.getId(), flags(incident, filter.states(), null, first, max));
        }
        List<FlagEntity> page = CustomPlans.around(em, () -> {
            Set<String> users = keycloak.usersByPrefix(realm.getId(), filter.prefix(), LISTED_USERS);
            if (users != null) {
                return users.isEmpty() ? List.<FlagEntity>of() : flags(incident, filter.states(), users, first, max);
            }
            @SuppressWarnings("unchecked")
            List<FlagEntity> rows = joined("select f.*", realm, incident, filter, " order by f.FLAGGED_AT, f.ID", FlagEntity.class)
                    .setFirstResult(first).setMaxResults(max).getResultList();
            return rows;
        });
        return withNames(realm.getId(), page);
    }

    long countFlags(RealmModel realm, Incident incident, FlagFilter filter, long atMost) {
        if (filter.prefix() == null) {
            return Math.min(atMost, count(incident, filter.states(), null));
        }
        return CustomPlans.around(em, () -> {
            Set<String> users = keycloak.usersByPrefix(realm.getId(), filter.prefix(), LISTED_USERS);
            if (users != null) {
                return users.isEmpty() ? 0L : Math.min(atMost, count(incident, filter.states(), users));
            }
            // stops after atMost rows: a short prefix can match most of a large realm
            int limit = (int) Math.min(Integer.MAX_VALUE, atMost);
            return (long) joined("select f.ID", realm, incident, filter, "", null).setMaxResults(limit).getResultList().size();
        });
    }

    /** A page of the incident's flags in {@code states} (all when empty) of {@code users} (any when null), oldest first. */
    private List<FlagEntity> flags(Incident incident, Set<FlagState> states, Set<String> users, int first, int max) {
        TypedQuery<FlagEntity> q = em.createQuery("select f from FlagEntity f join fetch f.incident where f.incident.id = :incidentId"
                + (states.isEmpty() ? "" : " and f.state in :states") + (users == null ? "" : " and f.userId in :users")
                + " order by f.flaggedAt, f.id", FlagEntity.class);
        bind(q, states, users);
        return q.setParameter("incidentId", incident.rowId().value()).setFirstResult(first).setMaxResults(max).getResultList();
    }

    /** How many flags {@link #flags} selects: index-only over IDX_BR_FLAG_INCIDENT_STATE, or by user over UK_BR_FLAG_INCIDENT_USER. */
    private long count(Incident incident, Set<FlagState> states, Set<String> users) {
        TypedQuery<Long> q = em.createQuery("select count(f) from FlagEntity f where f.incident.id = :incidentId"
                + (states.isEmpty() ? "" : " and f.state in :states") + (users == null ? "" : " and f.userId in :users"), Long.class);
        bind(q, states, users);
        return q.setParameter("incidentId", incident.rowId().value()).getSingleResult();
    }

    /**
     * Keyset pages by user id over UK_BR_FLAG_INCIDENT_USER (incident, user): each page starts where the last one
     * ended, whatever happened to the flags in between, so a flag that changes state during an export is listed
     * once at most (and a user is never listed twice).
     */
    List<ListedFlag> flagsAfter(RealmModel realm, IncidentRowId incident, Set<FlagState> states, String afterUserId, int max) {
        TypedQuery<FlagEntity> q = em.createQuery("select f from FlagEntity f join fetch f.incident where f.incident.id = :incidentId"
                + " and f.realmId = :realmId" + (states.isEmpty() ? "" : " and f.state in :states")
                + (afterUserId == null ? "" : " and f.userId > :after") + " order by f.userId", FlagEntity.class);
        bind(q, states, null);
        if (afterUserId != null) {
            q.setParameter("after", afterUserId);
        }
        List<FlagEntity> page = q.setParameter("incidentId", incident.value()).setParameter("realmId", realm.getId())
                .setMaxResults(max).getResultList();
        return withNames(realm.getId(), page);
    }

    /**
     * Two queries for the whole page of incidents: flags per (incident, state), an index-only count over
     * IDX_BR_FLAG_INCIDENT_STATE; and per incident the newest history entry of its flags, a scalar subquery each
     * database answers from the end of IDX_BR_FLAG_HISTORY_INCIDENT (incident, changed at) without reading the rest.
     */
    Map<IncidentRowId, IncidentActivity> activity(RealmModel realm, Collection<Incident> incidents) {
        if (incidents.isEmpty()) {
            return Map.of();
        }
        List<String> ids = incidents.stream().map(i -> i.rowId().value()).toList();
        Map<String, EnumMap<FlagState, Long>> counts = new HashMap<>();
        for (Object[] row : em.createQuery("select f.incident.id, f.state, count(f) from FlagEntity f where f.incident.id in :ids"
                + " group by f.incident.id, f.state", Object[].class).setParameter("ids", ids).getResultList()) {
            counts.computeIfAbsent((String) row[0], k -> new EnumMap<>(FlagState.class))
                    .put(FlagState.valueOf((String) row[1]), ((Number) row[2]).longValue());
        }
        Map<String, Long> lastChange = new HashMap<>();
        for (Object[] row : em.createQuery("select i.id, (select max(h.at) from FlagHistoryEntity h where h.incidentId = i.id)"
                + " from IncidentEntity i where i.id in :ids and i.realmId = :realmId", Object[].class)
                .setParameter("ids", ids).setParameter("realmId", realm.getId()).getResultList()) {
            if (row[1] != null) {
                lastChange.put((String) row[0], ((Number) row[1]).longValue());
            }
        }
        Map<IncidentRowId, IncidentActivity> out = new HashMap<>();
        for (Incident i : incidents) {
            String id = i.rowId().value();
            out.put(i.rowId(), counts.containsKey(id) || lastChange.containsKey(id)
                    ? new IncidentActivity(counts.getOrDefault(id, new EnumMap<>(FlagState.class)), lastChange.get(id))
                    : IncidentActivity.NONE);
        }
        return out;
    }

    /**
     * One grouped query over IDX_BR_FLAG_HISTORY_INCIDENT (incident, changed at, kind, to state), which covers it:
     * the day of each transition is computed on the epoch-millisecond column as floor((CHANGED_AT - origin) /
     * 86400000), plain arithmetic every database evaluates alike (no date functions, no time zones), in a derived
     * table so that the outer query groups by a column: PostgreSQL does not accept a GROUP BY expression holding a
     * bind parameter as the same expression in the select list.
     */
    List<DailyFunnel.Transitions> dailyTransitions(Incident incident, long origin) {
        List<DailyFunnel.Transitions> out = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select t.DAY_NO, t.TO_STATE, count(*) from ("
                        + "select floor((h.CHANGED_AT - :origin) / " + DailyFunnel.DAY_MILLIS + ") as DAY_NO, h.TO_STATE as TO_STATE"
                        + " from BR_FLAG_HISTORY h where h.INCIDENT_ID = :incidentId and h.KIND = 'TRANSITION') t"
                        + " group by t.DAY_NO, t.TO_STATE")
                .setParameter("origin", origin)
                .setParameter("incidentId", incident.rowId().value())
                .getResultList();
        for (Object[] row : rows) {
            out.add(new DailyFunnel.Transitions(((Number) row[0]).longValue(), FlagState.valueOf((String) row[1]),
                    ((Number) row[2]).longValue()));
        }
        return out;
    }

    /** The incident's flags whose user matches the filter's prefix, by a join: {@code select} (columns of f) + the rest. */
    private Query joined(String select, RealmModel realm, Incident incident, FlagFilter filter, String orderBy, Class<?> entity) {
        String sql = select + " from BR_FLAG f join (" + KeycloakTables.USERS_BY_PREFIX_SQL + ") m on m.ID = f.USER_ID"
                + " where f.INCIDENT_ID = :incidentId" + (filter.states().isEmpty() ? "" : " and f.STATE in (:states)") + orderBy;
        Query q = entity == null ? em.createNativeQuery(sql) : em.createNativeQuery(sql, entity);
        q.setParameter("incidentId", incident.rowId().value())
                .setParameter("realmId", realm.getId())
                .setParameter("prefix", KeycloakTables.likePrefix(filter.prefix()));
        if (!filter.states().isEmpty()) {
            q.setParameter("states", filter.states().stream().map(Enum::name).toList());
        }
        return q;
    }

    private static void bind(Query q, Set<FlagState> states, Set<String> users) {
        if (!states.isEmpty()) {
            q.setParameter("states", states.stream().map(Enum::name).toList());
        }
        if (users != null) {
            q.setParameter("users", users);
        }
    }

    private List<ListedFlag> withNames(String realmId, List<FlagEntity> page) {
        Map<String, KeycloakTables.Names> names = keycloak.names(realmId, page.stream().map(FlagEntity::getUserId).toList());
        List<ListedFlag> out = new ArrayList<>(page.size());
        for (FlagEntity f : page) {
            KeycloakTables.Names n = names.get(f.getUserId());
            out.add(new ListedFlag(JpaFlags.toFlag(f), n == null ? null : n.username(), n == null ? null : n.email()));
        }
        return out;
    }
}
