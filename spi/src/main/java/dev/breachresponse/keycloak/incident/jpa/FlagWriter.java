package dev.breachresponse.keycloak.incident.jpa;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.hibernate.Session;
import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.FlagHistoryEntry;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.IllegalTransitionException;
import dev.breachresponse.keycloak.incident.WebhookEvent;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one way a BR_FLAG row comes into being or changes state, and the one writer of BR_FLAG_HISTORY. A new
 * flag, single or a bulk batch, starts in {@link FlagState#INITIAL} with history entry 0; every later move is
 * judged by {@link FlagState#canMoveTo} on the row locked for this transaction ({@link FlagEntity#enter}) and
 * gets the flag's next history number. Records that change no state (escalation, grace skip, password change)
 * are {@link FlagHistoryEntry.Kind#NOTE} entries in the same numbering. The store's methods call nothing else to
 * change a flag. Each creation, move and escalation queues its webhook event ({@link WebhookQueue}) in the same
 * transaction, so every writer emits it and a rolled-back change emits nothing.
 */
final class FlagWriter {

    /** The number of a flag's first history entry; each further entry takes the next one, without gaps. */
    static final int FIRST_SEQ = 0;

    private static final List<String> FLAG_COLUMNS = List.of("ID", "REALM_ID", "INCIDENT_ID", "USER_ID", "STATE", "FLAGGED_AT",
            "FLAGGED_BY", "UPDATED_AT", "VERSION", "NEXT_DUE_AT");
    private static final List<String> HISTORY_COLUMNS = List.of("ID", "FLAG_ID", "INCIDENT_ID", "SEQ", "KIND", "FROM_STATE",
            "TO_STATE", "CHANGED_AT", "ACTOR", "CAUSE");

    private final EntityManager em;
    private final WebhookQueue webhooks;
    private SkipExisting skipExisting;

    FlagWriter(EntityManager em, WebhookQueue webhooks) {
        this.em = em;
        this.webhooks = webhooks;
    }

    /** Creates one flag of {@code incident} in the initial state, with its history entry 0. */
    FlagEntity create(RealmModel realm, IncidentEntity incident, String userId, Actor actor, String cause) {
        long now = Time.currentTimeMillis();
        FlagEntity f = new FlagEntity();
        f.setId(KeycloakModelUtils.generateId());
        f.setRealmId(realm.getId());
        f.setIncident(incident);
        f.setUserId(userId);
        f.start();
        f.setFlaggedAt(now);
        f.setFlaggedBy(actor.asString());
        f.setUpdatedAt(now);
        f.setNextDueAt(now);
        em.persist(f);
        history(f, FIRST_SEQ, FlagHistoryEntry.Kind.TRANSITION, null, FlagState.INITIAL, now, actor, cause, null);
        em.flush();
        webhooks.queue(f.getRealmId(), WebhookEvent.FLAG_CREATED, userId,
                event(f.getRealmId(), incident.getIncidentKey(), f.getId(), userId, null, FlagState.INITIAL, actor, cause));
        return f;
    }

    /**
     * Creates flags of {@code incident} for users that have none in it (the caller checked), set-based: multi-row
     * inserts of the flags in the initial state and of their history entries 0, no per-row round trips.
     */
    void createAll(String realmId, IncidentEntity incident, Collection<String> userIds, Actor actor, String cause) {
        write(realmId, incident, userIds, actor, cause, false);
    }

    /**
     * Whether {@link #createMissing} may be called: the database skips a row that meets a unique key and returns the
     * rows it inserted, in one statement. PostgreSQL: {@code INSERT ... ON CONFLICT DO NOTHING RETURNING} (9.5+;
     * Keycloak 26 supports 13 and later); MariaDB: {@code INSERT IGNORE ... RETURNING} (10.5+). Elsewhere (MySQL, H2,
     * ...) the caller looks the existing flags up first and calls {@link #createAll}.
     */
    boolean skipsExistingOnInsert() {
        return skipExisting() != SkipExisting.NONE;
    }

    private SkipExisting skipExisting() {
        SkipExisting known = skipExisting;
        if (known == null) {
            known = em.unwrap(Session.class).doReturningWork(SkipExisting::of);
            skipExisting = known;
        }
        return known;
    }

    /**
     * Creates flags of {@code incident}, as {@link #createAll}, for those of {@code userIds} (distinct) that have none in
     * it, decided row by row as the insert meets the incident-and-user unique key ({@code UK_BR_FLAG_INCIDENT_USER}), so
     * no look-up runs before it (issue 15: the look-up of 500 users was 12 ms of a 135-ms chunk on PostgreSQL). A row
     * another transaction is inserting is waited for: skipped if that one commits, written if it rolls back. History
     * entries and webhook events only for the flags written. Only where {@link #skipsExistingOnInsert}.
     *
     * @return the users flagged now, in the order given
     * @throws IllegalStateException on MariaDB, when a statement reported a warning other than a skipped row (its
     *                               {@code IGNORE} turns a too-long value or a foreign-key failure into a warning)
     */
    Set<String> createMissing(String realmId, IncidentEntity incident, Collection<String> userIds, Actor actor, String cause) {
        return write(realmId, incident, userIds, actor, cause, true);
    }

    private Set<String> write(String realmId, IncidentEntity incident, Collection<String> userIds, Actor actor, String cause,
                              boolean skipExisting) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        long now = Time.currentTimeMillis();
        String by = actor.asString();
        Map<String, String> flagIds = new LinkedHashMap<>();
        List<Object[]> flags = new ArrayList<>(userIds.size());
        for (String userId : userIds) {
            String flagId = KeycloakModelUtils.generateId();
            flagIds.put(userId, flagId);
            flags.add(new Object[] {flagId, realmId, incident.getId(), userId, FlagState.INITIAL.name(), now, by, now, 0L, now});
        }
        Session s = em.unwrap(Session.class);
        Set<String> written;
        if (skipExisting) {
            SkipExisting how = skipExisting();
            Set<String> inserted = new HashSet<>(s.doReturningWork(c -> MultiRowInsert.insertReturning(c, how.verb, "BR_FLAG", FLAG_COLUMNS, flags,
                    how.tail, how.check)));
            written = new LinkedHashSet<>(flagIds.keySet());
            written.retainAll(inserted);
        } else {
            s.doWork(c -> MultiRowInsert.insert(c, "BR_FLAG", FLAG_COLUMNS, flags));
            written = flagIds.keySet();
        }
        List<Object[]> history = new ArrayList<>(written.size());
        boolean announce = webhooks.anySubscribed(realmId, WebhookEvent.FLAG_CREATED);
        List<WebhookQueue.Event> events = new ArrayList<>(announce ? written.size() : 0);
        for (String userId : written) {
            String flagId = flagIds.get(userId);
            if (announce) {
                events.add(new WebhookQueue.Event(userId, event(realmId, incident.getIncidentKey(), flagId, userId, null, FlagState.INITIAL, actor, cause)));
            }
            history.add(new Object[] {KeycloakModelUtils.generateId(), flagId, incident.getId(), FIRST_SEQ,
                    FlagHistoryEntry.Kind.TRANSITION.name(), null, FlagState.INITIAL.name(), now, by, cause});
        }
        // each history row's foreign-key check reads BR_FLAG, which this job grows: see CustomPlans
        CustomPlans.around(em, () -> {
            s.doWork(c -> MultiRowInsert.insert(c, "BR_FLAG_HISTORY", HISTORY_COLUMNS, history));
            return null;
        });
        webhooks.queueAll(realmId, WebhookEvent.FLAG_CREATED, events); // no events built: returns at once
        return written;
    }

    /**
     * The flag, locked for this transaction and read afresh under the lock: a row this transaction loaded earlier
     * (login reads the user's flags first) may have been changed by a concurrent login since, and a move must
     * judge the state as it is now (this transaction's own pending changes are flushed first).
     *
     * @throws IllegalArgumentException when there is no such flag in the realm
     */
    FlagEntity lock(RealmModel realm, String flagId) {
        em.flush();
        FlagEntity f = em.find(FlagEntity.class, flagId);
        if (f == null || !f.getRealmId().equals(realm.getId())) {
            throw new IllegalArgumentException("no flag " + flagId + " in realm " + realm.getName());
        }
        em.refresh(f, LockModeType.PESSIMISTIC_WRITE);
        return f;
    }

    /**
     * Moves a locked flag to {@code next} with the columns that state implies, and writes the history entry.
     *
     * @throws IllegalTransitionException when the transition table forbids the move (nothing is written)
     */
    FlagEntity move(FlagEntity f, FlagState next, Actor actor, String cause, String detail) {
        moveUnflushed(f, next, actor, cause, detail, nextSeq(f.getId()));
        em.flush();
        return f;
    }

    /**
     * {@link #move} with the history number given ({@code seq}: the next one of this locked flag, see
     * {@link #nextSeq}) and without the flush: the caller flushes once after its last move of the flag.
     */
    void moveUnflushed(FlagEntity f, FlagState next, Actor actor, String cause, String detail, int seq) {
        FlagState current = f.state();
        f.enter(next);
        long now = Time.currentTimeMillis();
        switch (next) {
            case STEPPED_UP -> f.setSteppedUpAt(now);
            case REMEDIATED -> {
                f.setRemediatedAt(now);
                f.setNextDueAt(null);
            }
            case DISMISSED -> {
                f.setDismissedAt(now);
                f.setDismissedBy(actor.asString());
                f.setDismissReason(detail);
                f.setNextDueAt(null);
            }
            case FLAGGED -> {
                // re-open or re-flag: the next login must step up again; the planner looks again
                f.setSteppedUpAt(null);
                f.setRemediatedAt(null);
                f.setDismissedAt(null);
                f.setDismissedBy(null);
                f.setDismissReason(null);
                f.setNextDueAt(now);
            }
        }
        f.setUpdatedAt(now);
        history(f, seq, FlagHistoryEntry.Kind.TRANSITION, current, next, now, actor, cause, detail);
        ObjectNode data = event(f.getRealmId(), f.getIncident().getIncidentKey(), f.getId(), f.getUserId(), current, next, actor, cause);
        if (next == FlagState.STEPPED_UP && detail != null) {
            data.put("factor", detail);
        }
        webhooks.queue(f.getRealmId(), switch (next) {
            case FLAGGED -> WebhookEvent.FLAG_REOPENED;
            case STEPPED_UP -> WebhookEvent.FLAG_STEPPED_UP;
            case REMEDIATED -> WebhookEvent.FLAG_REMEDIATED;
            case DISMISSED -> WebhookEvent.FLAG_DISMISSED;
        }, f.getUserId(), data);
    }

    /** Writes a note on a locked flag: an entry in its history that changed no state (see {@link FlagHistoryEntry}). */
    FlagEntity note(FlagEntity f, Actor actor, String cause, String detail) {
        long now = Time.currentTimeMillis();
        f.setUpdatedAt(now);
        history(f, nextSeq(f.getId()), FlagHistoryEntry.Kind.NOTE, null, null, now, actor, cause, detail);
        em.flush();
        if (FlagHistoryEntry.ESCALATED.equals(cause)) {
            ObjectNode data = event(f.getRealmId(), f.getIncident().getIncidentKey(), f.getId(), f.getUserId(), null, f.state(), actor, cause);
            data.put("actions", detail);
            webhooks.queue(f.getRealmId(), WebhookEvent.FLAG_ESCALATED, f.getUserId(), data);
        }
        return f;
    }

    /**
     * The {@code data} of a flag event: realm, incident (the caller's key), flag, user (by id only; an endpoint that
     * opted in gets the email added when sent), the state before and after, who and why. A dismissal's free-text
     * reason is not included (it may name people).
     */
    private static ObjectNode event(String realmId, String incidentKey, String flagId, String userId, FlagState from, FlagState to,
                                    Actor actor, String cause) {
        ObjectNode d = WebhookQueue.data(realmId);
        d.put("incident", incidentKey);
        d.put("flagId", flagId);
        d.put("userId", userId);
        d.put("previousState", from == null ? null : from.name());
        d.put("state", to.name());
        d.put("actor", actor.asString());
        d.put("cause", cause);
        return d;
    }

    /** The next history number of a flag this transaction holds locked (so no one else numbers it meanwhile). */
    int nextSeq(String flagId) {
        Integer max = em.createQuery("select max(h.seq) from FlagHistoryEntity h where h.flagId = :flagId", Integer.class)
                .setParameter("flagId", flagId)
                .getSingleResult();
        return max == null ? FIRST_SEQ : max + 1;
    }

    /**
     * Writes one history entry of {@code f} at {@code at}; every caller sets the flag's UPDATED_AT to the same
     * {@code at}, so UPDATED_AT is always the time of the flag's newest history entry.
     */
    private void history(FlagEntity f, int seq, FlagHistoryEntry.Kind kind, FlagState from, FlagState to, long at, Actor actor,
                         String cause, String detail) {
        FlagHistoryEntity h = new FlagHistoryEntity();
        h.setId(KeycloakModelUtils.generateId());
        h.setFlagId(f.getId());
        h.setIncidentId(f.getIncident().getId());
        h.setSeq(seq);
        h.setKind(kind.name());
        h.setFromState(from == null ? null : from.name());
        h.setToState(to == null ? null : to.name());
        h.setAt(at);
        h.setActor(actor.asString());
        h.setCause(cause);
        h.setDetail(detail);
        em.persist(h);
    }

    /** How the database inserts a row unless it meets a unique key, returning the rows inserted ({@link #createMissing}). */
    private enum SkipExisting {
        POSTGRESQL("insert into", "on conflict (INCIDENT_ID, USER_ID) do nothing returning USER_ID", MultiRowInsert.Check.NONE),
        /**
         * {@code IGNORE} also turns errors other than a duplicate key into warnings (a too-long value is cut, a missing
         * referenced row skips the insert): each skipped row reports one warning (ER_DUP_ENTRY), so a statement with
         * more warnings than skipped rows is rejected. A row skipped for another reason has no flag to read back, which
         * {@code JpaFlags.flagBatch} rejects.
         */
        MARIADB("insert ignore into", "returning USER_ID", SkipExisting::onlySkippedRowsWarned),
        NONE(null, null, null);

        final String verb;
        final String tail;
        final MultiRowInsert.Check check;

        SkipExisting(String verb, String tail, MultiRowInsert.Check check) {
            this.verb = verb;
            this.tail = tail;
            this.check = check;
        }

        static SkipExisting of(Connection c) throws SQLException {
            if (CustomPlans.isPostgreSQL(c)) {
                return POSTGRESQL;
            }
            DatabaseMetaData meta = c.getMetaData();
            int major = meta.getDatabaseMajorVersion();
            boolean returning = major > 10 || (major == 10 && meta.getDatabaseMinorVersion() >= 5);
            return "MariaDB".equals(meta.getDatabaseProductName()) && returning ? MARIADB : NONE;
        }

        private static void onlySkippedRowsWarned(Connection c, int sent, int returned) throws SQLException {
            // a plain statement: a server-side prepare (useServerPrepStmts) would clear the insert's warnings first
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select @@warning_count")) {
                long warnings = rs.next() ? rs.getLong(1) : -1;
                if (warnings != sent - returned) {
                    throw new IllegalStateException("the flags' insert reported " + warnings + " warnings for " + (sent - returned)
                            + " rows skipped as existing: rejected; codes " + warningCodes(st));
                }
            }
        }

        /** The codes of the statement's first warnings (MariaDB's {@code SHOW WARNINGS}): no values, only what went wrong. */
        private static List<Integer> warningCodes(Statement st) throws SQLException {
            List<Integer> codes = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("show warnings limit 5")) {
                while (rs.next()) {
                    codes.add(rs.getInt(2));
                }
            }
            return codes;
        }
    }
}
