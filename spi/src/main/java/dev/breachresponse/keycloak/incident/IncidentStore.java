package dev.breachresponse.keycloak.incident;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

/**
 * The one way into the extension's tables. Every method that creates a flag or changes its state ({@link #flag},
 * {@link #flagBatch}, {@link #transition}, {@link #recordStepUp}) goes through one guarded writer in the
 * implementation: new flags start in {@link FlagState#INITIAL}, every move is checked against
 * {@link FlagState}'s transition table on the row locked for the transaction, and each writes one history entry
 * numbered 0, 1, 2, … per flag without gaps. Records that change no state ({@link #recordEscalation},
 * {@link #recordGraceSkip}, {@link #recordPasswordChange}) write a {@link FlagHistoryEntry.Kind#NOTE} entry, and
 * only on an open flag. Writers outside the store call {@link Flagging} for flagging, dismissal and escalation.
 * Obtain it with {@code session.getProvider(IncidentStore.class)}; it works inside the caller's Keycloak
 * transaction.
 */
public interface IncidentStore extends Provider {

    /** Identifiers callers may choose: letters, digits, dot, dash, underscore; 1 to 64 characters. */
    String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    /** Outcome of {@link #createIncident}. */
    enum CreateOutcome { CREATED, REPLAYED, CONFLICT }

    record CreateResult(CreateOutcome outcome, Incident incident) {
    }

    /** Outcome of {@link #flag}. */
    enum FlagOutcome { FLAGGED, ALREADY_FLAGGED, REFLAGGED }

    record FlagResult(FlagOutcome outcome, Flag flag) {
    }

    CreateResult createIncident(RealmModel realm, NewIncident incident, Actor actor);

    Optional<Incident> findIncident(RealmModel realm, IncidentKey key);

    /** By the store's own id (what jobs record), not the caller's key. */
    Optional<Incident> findIncident(RealmModel realm, IncidentRowId rowId);

    List<Incident> listIncidents(RealmModel realm, int first, int max);

    long countIncidents(RealmModel realm);

    /** Changes title, description and policy (null: unchanged). */
    Incident updateIncident(RealmModel realm, IncidentKey key, String title, String description, Policy policy, Actor actor);

    /** Closes an open incident: no new flags, no new reminders; open flags stay enforced. No-op when closed. */
    Incident closeIncident(RealmModel realm, IncidentKey key, Actor actor);

    /**
     * Flags one user in an open incident. Idempotent: an open flag gives ALREADY_FLAGGED; a dismissed or
     * remediated one is left alone (ALREADY_FLAGGED) unless {@code reflag} is set, when it moves back to FLAGGED.
     *
     * @throws IllegalStateException when the incident is closed
     */
    FlagResult flag(RealmModel realm, Incident incident, String userId, Actor actor, String cause, boolean reflag);

    /** States of the flags these users already have in the incident (users without one are absent). */
    Map<String, FlagState> flagStates(RealmModel realm, Incident incident, Collection<String> userIds);

    /**
     * Flags many users of one open incident at once (bulk jobs): multi-row inserts of the new flags (in
     * {@link FlagState#INITIAL}) and their history entries 0, the existing flags found by one query before them (on
     * PostgreSQL by the insert itself, {@code ON CONFLICT DO NOTHING}, and only those read). Never re-flags: an
     * existing flag in any state is left alone, without a history entry. A user id given twice counts once.
     *
     * @return for each distinct user id: {@code null} when newly flagged, else the state of the existing flag
     * @throws IllegalStateException when the incident is closed
     */
    Map<String, FlagState> flagBatch(RealmModel realm, Incident incident, List<String> userIds, Actor actor, String cause);

    /**
     * Moves a flag to {@code next}, writing the history entry, or throws {@link IllegalTransitionException}
     * (nothing written) when the transition table forbids it. {@code detail} is free text for the history (a
     * dismissal reason, the factor used).
     *
     * @throws IllegalArgumentException when there is no such flag in the realm
     */
    Flag transition(RealmModel realm, String flagId, FlagState next, Actor actor, String cause, String detail);

    Optional<Flag> findFlag(RealmModel realm, IncidentKey incident, String userId);

    /**
     * The flag read afresh under a row lock held until the caller's transaction ends, so that a concurrent writer
     * (e.g. a dismissal during an escalation) waits and then sees what this transaction recorded.
     *
     * @return empty when there is no such flag in the realm
     */
    Optional<Flag> lockFlag(RealmModel realm, String flagId);

    /** All flags of one user in the realm, oldest first. */
    List<Flag> flagsOfUser(RealmModel realm, String userId);

    /** One open flag with its incident (title, exposed data, policy): what login enforcement reads. */
    record Exposure(Flag flag, Incident incident) {
    }

    /** The user's open flags (FLAGGED, STEPPED_UP) with their incidents, in one query; oldest first. */
    List<Exposure> openExposures(RealmModel realm, String userId);

    /**
     * What login enforcement reads, in the same one query as {@link #openExposures}: the open flags plus the
     * REMEDIATED flags of incidents that are still open. Login re-checks the latter, because a second factor can
     * disappear without any event this extension hears (an admin, an import, a federation provider).
     */
    List<Exposure> loginExposures(RealmModel realm, String userId);

    /**
     * Whether each statement sees every transaction committed before it started (the database runs this
     * extension's transactions at READ COMMITTED or weaker, JDBC {@code Connection#getTransactionIsolation}): only
     * then may a read that found no flags be kept beyond its request ({@link UnflaggedMark}). False at REPEATABLE
     * READ (MariaDB's and MySQL's default), where a read can see a snapshot older than a flag already committed.
     * Asks the database each time; {@link UnflaggedMark} asks once per node.
     */
    boolean readsLatestCommits();

    /**
     * Records a passed step-up: FLAGGED moves to STEPPED_UP with the factor used ({@code enrolled}: the factor
     * was enrolled at this login). A flag already STEPPED_UP keeps its state; other states are left alone.
     */
    Flag recordStepUp(RealmModel realm, String flagId, String factor, boolean enrolled, Actor actor);

    /**
     * {@link #recordStepUp}, then, in the same locked write of the flag, REMEDIATED unless a password change is
     * outstanding ({@code passwordRequired} and the flag holds none): one row lock and one flush where
     * {@link #recordStepUp} and {@link #transition} took two. A flag already STEPPED_UP (a concurrent login) moves
     * on to REMEDIATED the same way; other states are left alone. History, numbered on: the STEPPED_UP entry (cause
     * {@code step-up} or {@code enrolled}, detail the factor), then the REMEDIATED one ({@code cause}, detail
     * {@code factor <the flag's step-up factor>}), as the two calls would write them.
     *
     * @return the flag as written
     */
    Flag recordStepUpAndRemediate(RealmModel realm, String flagId, String factor, boolean enrolled, boolean passwordRequired,
                                  Actor actor, String cause);

    /**
     * Records the user's first password change after flagging ({@code changedAt}, epoch ms) on an open flag: a
     * NOTE entry; the state does not change. A closed flag, an earlier change or one before flagging: no-op.
     */
    Flag recordPasswordChange(RealmModel realm, String flagId, long changedAt, Actor actor);

    /** Counts one postponement of enrolment within the grace period on a FLAGGED flag (a NOTE entry); else no-op. */
    Flag recordGraceSkip(RealmModel realm, String flagId, Actor actor);

    /** The realm's stored defaults as JSON, if an admin saved any. */
    Optional<String> realmConfig(RealmModel realm);

    void saveRealmConfig(RealmModel realm, String json, Actor actor);

    /**
     * One page of flags and how many the same filter selects in all: exact, or when {@code capped} there are more
     * than {@code total} (the count stopped at the cap the caller chose, or, for a search too broad to list its users,
     * at the end of this page).
     */
    record FlagPage(List<ListedFlag> flags, long total, boolean capped) {
    }

    /**
     * A page of the flags of one incident that {@code filter} selects, oldest first (by flagged at, then flag id),
     * each with the user's username and email from Keycloak's user table, and their number, counted up to
     * {@code countAtMost - 1} (then {@code capped}: more than that). A prefix filter resolves the matching users once, through the user
     * table's own indexes (username per realm, email), and probes the incident's flags by user; a prefix that
     * matches too many users to list is checked on the incident's flags in listing order until the page is full,
     * and its count says only whether more follow (the end of the page, {@code capped}); see docs/architecture.md, Data.
     */
    FlagPage listFlags(RealmModel realm, Incident incident, FlagFilter filter, int first, int max, long countAtMost);

    /**
     * How many flags of the incident {@code filter} selects, counting at most {@code atMost} (the answer is
     * {@code atMost} when there are that many or more), so that a caller can cap an expensive count.
     */
    long countFlags(RealmModel realm, Incident incident, FlagFilter filter, long atMost);

    /**
     * Keyset paging over the flags of one incident in {@code states} (all when empty), ordered by user id: the
     * first {@code max} with a user id after {@code afterUserId} ({@code null}: from the start), each with the
     * user's username and email. Each call is one short read, so a caller can export a million flags in pages,
     * each in its own transaction, with flat memory.
     */
    List<ListedFlag> flagsAfter(RealmModel realm, IncidentRowId incident, Set<FlagState> states, String afterUserId, int max);

    /**
     * Flags per state and the time of the newest history entry of each incident's flags, for a page of incidents in
     * a fixed number of queries (never one per incident); incidents without flags map to {@link IncidentActivity#NONE}.
     */
    Map<IncidentRowId, IncidentActivity> activity(RealmModel realm, Collection<Incident> incidents);

    /**
     * The counts the metrics gauges show, across all realms: a grouped count per incident over
     * IDX_BR_FLAG_INCIDENT_STATE, the incidents' table, and the outboxes' state columns (read by the metrics refresh,
     * once per interval, never on a login).
     */
    MetricsCounts metricsCounts();

    /**
     * The incident's history transitions (not notes) grouped in the database by UTC day, counted from
     * {@code origin} (epoch ms of a UTC midnight, {@link DailyFunnel#originOf}), and by the state entered.
     */
    List<DailyFunnel.Transitions> dailyTransitions(RealmModel realm, Incident incident, long origin);

    List<FlagHistoryEntry> history(String flagId);

    /** Counts for {@code GET /incidents/{id}/stats}. */
    Funnel funnel(RealmModel realm, IncidentKey incident);

    /**
     * Flags whose user login let through although it would have asked something: {@code reason}
     * {@code report-only} (the incident's mode) or {@code break-glass} (an excluded user); {@code ask} what it
     * would have asked ({@code step-up}, {@code enrol}, {@code mailbox-proof}, {@code password-change});
     * {@code flags} how many flags, {@code logins} how many such logins in all (the latest reason and ask per flag).
     */
    record Observed(String reason, String ask, long flags, long logins) {
    }

    /** Records one let-through login on each of the flags (one statement; the flags' realm is checked by id). */
    void recordObserved(RealmModel realm, List<String> flagIds, String reason, String ask);

    /** The incident's let-through logins, by reason and ask (for {@code GET /incidents/{id}/stats}). */
    List<Observed> observed(RealmModel realm, IncidentKey incident);

    /** Bulk flag jobs. */
    JobStore jobs();

    /** Reminder outbox and planner. */
    ReminderStore reminders();

    /** The hygiene campaign's walk positions, user pages and outbox. */
    HygieneStore hygiene();

    /** Paths where the login backstop refused a flagged user (setup status). */
    EnforcementGaps gaps();

    /** A row of Keycloak's user table, as the bulk look-up needs it. */
    record StoredUser(String id, String username, String email, String federationLink, boolean serviceAccount) {
    }

    /**
     * Rows of Keycloak's user table in this realm whose email, username or id (by {@code key}: {@code EMAIL},
     * {@code USERNAME}, {@code ID}) is one of {@code values} (emails and usernames lower case, as Keycloak stores
     * them), in one query. Several rows can share an email; the caller decides what that means.
     */
    List<StoredUser> storedUsers(String realmId, SubjectType key, Collection<String> values);

    /**
     * Of these users, those with a session row in Keycloak's session table (online or offline), in one query.
     * Meaningful only where Keycloak keeps sessions in the database (persistent user sessions).
     */
    Set<String> usersWithStoredSessions(String realmId, Collection<String> userIds);

    /**
     * Sets Keycloak's not-before of these users (rows of Keycloak's user table) in one statement; the caller
     * evicts them from Keycloak's user cache. Returns the number of rows changed.
     */
    int setNotBeforeOfStoredUsers(String realmId, Collection<String> userIds, int notBefore);

    /** Back-channel logouts owed to clients of revoked sessions. */
    LogoutOutbox logouts();

    /** Webhook endpoints of realms and their delivery outbox. */
    Webhooks webhooks();

    /** The realm's Shared Signals receivers, their replay store and event log (docs/ssf.md). */
    SsfReceivers ssf();

    /** Admin alerts' last-sent times and the counts they read (docs/alerts.md). */
    AlertStore alerts();

    /**
     * Records an escalation at the deadline on an open flag: what was added to the user ({@code actions}: required
     * action ids, {@code DISABLED}, {@code SESSIONS_REVOKED}) so that a dismissal can remove exactly that; a NOTE
     * entry. A flag no longer open is left alone.
     */
    Flag recordEscalation(RealmModel realm, String flagId, List<String> actions, Actor actor);

    /**
     * Deletes all flags (and so their history) of a user; called on Keycloak's user-removed event. Not a state
     * change: the flags are gone, and any later writer finds no flag.
     */
    int removeUserFlags(RealmModel realm, String userId);
}
