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
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.ListedFlag;
import dev.breachresponse.keycloak.incident.MetricsCounts;
import dev.breachresponse.keycloak.incident.OutboxState;

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
     * Users a prefix may list by id: up to this many per kind (username, email), so at most twice as many ids go
     * into one IN list. A prefix that matches more is checked per flag instead.
     */
    static final int LISTED_USERS = 500;

    /**
     * Without a prefix: the incident's flags in listing order through IDX_BR_FLAG_INCIDENT_STATE (incident, state,
     * flagged at) for one state, IDX_BR_FLAG_INCIDENT_FLAGGED (incident, flagged at, id) for several or all. With
     * one, the matching users first, through the user table's own indexes ({@link KeycloakTables#usersByPrefix}),
     * then their flags through UK_BR_FLAG_INCIDENT_USER (incident, user): the work grows with the users that match,
     * not with the incident's flags, which is what a name typed into a search box needs. A prefix that matches more
     * than {@value #LISTED_USERS} users of one kind ("a") is checked on each of the incident's flags by the user
     * table's primary key ({@link KeycloakTables#userMatchesPrefix}) in listing order, until the page and one more
     * are found: linear in the flags read whatever the planner's statistics, and no count beyond the next page.
     */
    IncidentStore.FlagPage listFlags(RealmModel realm, Incident incident, FlagFilter filter, int first, int max, long countAtMost) {
        if (filter.prefix() == null) {
            return page(realm, incident, filter.states(), Users.ANY, first, max, countAtMost);
        }
        return CustomPlans.around(em, () -> {
            Users users = users(realm, filter.prefix());
            return users.none() ? new IncidentStore.FlagPage(List.of(), 0, false)
                    : page(realm, incident, filter.states(), users, first, max, countAtMost);
        });
    }

    long countFlags(RealmModel realm, Incident incident, FlagFilter filter, long atMost) {
        if (filter.prefix() == null) {
            return count(incident, filter.states(), Users.ANY, atMost);
        }
        return CustomPlans.around(em, () -> {
            Users users = users(realm, filter.prefix());
            return users.none() ? 0L : count(incident, filter.states(), users, atMost);
        });
    }

    /** Which users' flags a query keeps: any, these ids, or (a broad prefix) those whose stored row matches. */
    private record Users(Set<String> ids, String prefix) {

        static final Users ANY = new Users(null, null);

        boolean none() {
            return ids != null && ids.isEmpty();
        }

        /** Whether counting may stop early: checked per flag, an exact count would read every flag. */
        boolean perFlag() {
            return prefix != null;
        }

        String where() {
            if (ids != null) {
                return " and f.userId in :users";
            }
            return prefix == null ? "" : " and " + KeycloakTables.userMatchesPrefix("f");
        }

        void bind(Query q) {
            if (ids != null) {
                q.setParameter("users", ids);
            } else if (prefix != null) {
                q.setParameter("prefix", KeycloakTables.likePrefix(prefix));
            }
        }
    }

    private Users users(RealmModel realm, String prefix) {
        Set<String> ids = keycloak.usersByPrefix(realm.getId(), prefix, LISTED_USERS);
        return ids != null ? new Users(ids, null) : new Users(null, prefix);
    }

    /**
     * The page in two reads (a "deferred join"): the ids of the page's flags in listing order, then those flags. Without
     * {@code q} the first read needs only IDX_BR_FLAG_INCIDENT_FLAGGED (incident, flagged at, id, state), which
     * PostgreSQL and MariaDB read without the table (index-only), so the rows an offset skips cost an index entry each:
     * the last page of 100,000 flags took 176 ms read as whole rows, most of it fetching the 99,950 skipped ones.
     */
    private IncidentStore.FlagPage page(RealmModel realm, Incident incident, Set<FlagState> states, Users users, int first, int max,
                                        long countAtMost) {
        TypedQuery<String> q = em.createQuery("select f.id from FlagEntity f where f.incident.id = :incidentId"
                + (states.isEmpty() ? "" : " and f.state in :states") + users.where() + " order by f.flaggedAt, f.id", String.class);
        bind(q, states);
        users.bind(q);
        q.setParameter("incidentId", incident.rowId().value()).setFirstResult(first);
        if (users.perFlag()) {
            // checked per flag in listing order until the page and one more are found: an exact count would check
            // every flag of the incident
            List<String> ids = q.setMaxResults(max + 1).getResultList();
            boolean more = ids.size() > max;
            List<FlagEntity> shown = flags(more ? ids.subList(0, max) : ids);
            return new IncidentStore.FlagPage(withNames(realm.getId(), shown), first + shown.size(), more);
        }
        List<FlagEntity> flags = flags(q.setMaxResults(max).getResultList());
        long total = count(incident, states, users, countAtMost);
        boolean capped = total >= countAtMost;
        return new IncidentStore.FlagPage(withNames(realm.getId(), flags), capped ? countAtMost - 1 : total, capped);
    }

    /** These flags (with their incident) by primary key, in the order of {@code ids}. */
    private List<FlagEntity> flags(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, FlagEntity> byId = new HashMap<>();
        for (FlagEntity f : em.createQuery("select f from FlagEntity f join fetch f.incident where f.id in :ids", FlagEntity.class)
                .setParameter("ids", ids).getResultList()) {
            byId.put(f.getId(), f);
        }
        List<FlagEntity> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            FlagEntity f = byId.get(id);
            if (f != null) { // removed between the two reads (its user deleted): the page is one shorter
                out.add(f);
            }
        }
        return out;
    }

    /**
     * How many flags {@link #page} selects, at most {@code atMost}: an index-only count over IDX_BR_FLAG_INCIDENT_STATE,
     * or by user over UK_BR_FLAG_INCIDENT_USER; checked per flag, the ids of at most {@code atMost} flags are read.
     */
    private long count(Incident incident, Set<FlagState> states, Users users, long atMost) {
        String where = " where f.incident.id = :incidentId" + (states.isEmpty() ? "" : " and f.state in :states") + users.where();
        if (users.perFlag()) {
            TypedQuery<String> q = em.createQuery("select f.id from FlagEntity f" + where, String.class);
            bind(q, states);
            users.bind(q);
            return q.setParameter("incidentId", incident.rowId().value()).setMaxResults((int) Math.min(Integer.MAX_VALUE, atMost))
                    .getResultList().size();
        }
        TypedQuery<Long> q = em.createQuery("select count(f) from FlagEntity f" + where, Long.class);
        bind(q, states);
        users.bind(q);
        return Math.min(atMost, q.setParameter("incidentId", incident.rowId().value()).getSingleResult());
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
        bind(q, states);
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

    /**
     * The extension's outboxes: the name metrics, alerts and the API use, and the JPA entity of its rows (each has
     * {@code realmId} and {@code state}), in the order they are shown.
     */
    static final String[][] OUTBOXES = {{"reminders", "ReminderEntity"}, {"nudges", "NudgeEntity"}, {"logouts", "LogoutEntity"},
            {"webhooks", "WebhookDeliveryEntity"}};

    /**
     * {@link IncidentStore#metricsCounts}: the open flags per (incident, state), an index-only count over
     * IDX_BR_FLAG_INCIDENT_STATE, summed per realm through the incidents' own small table; every realm with an
     * incident and every open incident get both open states, zero included (a series that reaches 0 reads 0, not
     * "no data"); then one grouped count per outbox.
     */
    MetricsCounts metricsCounts() {
        Map<String, EnumMap<FlagState, Long>> byIncident = new HashMap<>();
        for (Object[] row : em.createQuery("select f.incident.id, f.state, count(f) from FlagEntity f where f.state in ('FLAGGED', 'STEPPED_UP')"
                + " group by f.incident.id, f.state", Object[].class).getResultList()) {
            byIncident.computeIfAbsent((String) row[0], k -> new EnumMap<>(FlagState.class))
                    .put(FlagState.valueOf((String) row[1]), ((Number) row[2]).longValue());
        }
        Map<String, EnumMap<FlagState, Long>> byRealm = new HashMap<>();
        List<MetricsCounts.IncidentState> incidents = new ArrayList<>();
        for (Object[] row : em.createQuery("select i.id, i.realmId, i.incidentKey, i.status from IncidentEntity i", Object[].class)
                .getResultList()) {
            EnumMap<FlagState, Long> counts = byIncident.getOrDefault((String) row[0], new EnumMap<>(FlagState.class));
            EnumMap<FlagState, Long> realm = byRealm.computeIfAbsent((String) row[1], k -> new EnumMap<>(FlagState.class));
            for (FlagState state : FlagState.OPEN) {
                long n = counts.getOrDefault(state, 0L);
                realm.merge(state, n, Long::sum);
                if (JpaIncidents.OPEN.equals(row[3])) {
                    incidents.add(new MetricsCounts.IncidentState((String) row[1], (String) row[2], state, n));
                }
            }
        }
        List<MetricsCounts.RealmState> open = new ArrayList<>();
        byRealm.forEach((realmId, counts) -> counts.forEach((state, n) -> open.add(new MetricsCounts.RealmState(realmId, state, n))));
        List<MetricsCounts.OutboxCount> outboxes = new ArrayList<>();
        for (String[] outbox : OUTBOXES) {
            // a webhook delivery being sent (SENDING) is still owed: counted with PENDING, so a stuck claim shows
            for (Object[] row : em.createQuery("select o.state, count(o) from " + outbox[1] + " o where o.state in ('PENDING', 'SENDING', 'FAILED')"
                    + " group by o.state", Object[].class).getResultList()) {
                OutboxState state = "SENDING".equals(row[0]) ? OutboxState.PENDING : OutboxState.valueOf((String) row[0]);
                outboxes.add(new MetricsCounts.OutboxCount(outbox[0], state, ((Number) row[1]).longValue()));
            }
        }
        // a bulk job's webhook events not yet expanded into delivery rows are owed too
        Number staged = em.createNamedQuery("brWebhookBatchPending", Number.class).getSingleResult();
        if (staged != null && staged.longValue() > 0) {
            outboxes.add(new MetricsCounts.OutboxCount("webhooks", OutboxState.PENDING, staged.longValue()));
        }
        return new MetricsCounts(open, incidents, outboxes);
    }

    private static void bind(Query q, Set<FlagState> states) {
        if (!states.isEmpty()) {
            q.setParameter("states", states.stream().map(Enum::name).toList());
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
