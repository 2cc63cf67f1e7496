package dev.breachresponse.keycloak.incident.jpa;

import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.keycloak.models.RealmModel;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.IncidentRowId;
import dev.breachresponse.keycloak.incident.SubjectType;
import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.DailyFunnel;
import dev.breachresponse.keycloak.incident.FlagFilter;
import dev.breachresponse.keycloak.incident.IncidentActivity;
import dev.breachresponse.keycloak.incident.ListedFlag;
import dev.breachresponse.keycloak.incident.MetricsCounts;
import dev.breachresponse.keycloak.incident.AlertStore;
import dev.breachresponse.keycloak.incident.EnforcementGaps;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagHistoryEntry;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Funnel;
import dev.breachresponse.keycloak.incident.HygieneStore;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.UnflaggedMark;
import dev.breachresponse.keycloak.incident.JobStore;
import dev.breachresponse.keycloak.incident.LogoutOutbox;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.incident.Webhooks;
import dev.breachresponse.keycloak.incident.NewIncident;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.incident.ReminderStore;

/**
 * JPA implementation of the incident store, in the calling session's transaction: the SPI's one entry point,
 * handing each concern to a cohesive store: {@link JpaIncidents} (incidents, realm defaults), {@link JpaFlags}
 * (flags and history, all changes through {@link FlagWriter}), {@link JpaFlagReports} (the console's listings,
 * counts, exports and time series), {@link KeycloakTables} (Keycloak's own user and session tables), and the job,
 * reminder, hygiene, gap and logout stores.
 */
final class JpaIncidentStore implements IncidentStore {

    private final EntityManager em;
    private final JpaIncidents incidents;
    private final JpaFlags flags;
    private final KeycloakTables keycloak;
    private final JpaJobStore jobs;
    private final JpaReminderStore reminders;
    private final JpaFlagReports reports;

    private final WebhookQueue webhookQueue;

    /**
     * Told the users of the flags each write inserted or changed ({@link UnflaggedMark#flagsWritten}), with the
     * realm id: every change of a flag goes through this class's flag methods.
     */
    private final FlagsWritten flagsWritten;

    /** Where the store reports the users whose flags a write inserted or changed. */
    @FunctionalInterface
    interface FlagsWritten {
        /**
         * @param realmId the realm of the flags
         * @param userIds Keycloak user ids (duplicates allowed)
         * @param reveals whether login may read more of these users after the write than before: true for a flag
         *                inserted or moved to FLAGGED; false for a step-up, remediation, dismissal or note, which change
         *                a flag login read already, or take one out of its sight
         */
        void written(String realmId, Collection<String> userIds, boolean reveals);
    }

    /**
     * {@code onQueued} is run each time webhook deliveries were queued (the factory wakes the sender after commit);
     * {@code flagsWritten} each time flags were inserted or changed.
     */
    JpaIncidentStore(EntityManager em, Runnable onQueued, FlagsWritten flagsWritten) {
        this.em = em;
        this.flagsWritten = flagsWritten;
        this.webhookQueue = new WebhookQueue(em, onQueued);
        this.incidents = new JpaIncidents(em, webhookQueue);
        this.flags = new JpaFlags(em, incidents, webhookQueue);
        this.keycloak = new KeycloakTables(em);
        this.jobs = new JpaJobStore(em, webhookQueue);
        this.reminders = new JpaReminderStore(em);
        this.reports = new JpaFlagReports(em, keycloak);
    }

    // incidents and realm defaults

    @Override
    public CreateResult createIncident(RealmModel realm, NewIncident incident, Actor actor) {
        return incidents.createIncident(realm, incident, actor);
    }

    @Override
    public Optional<Incident> findIncident(RealmModel realm, IncidentKey key) {
        return incidents.findIncident(realm, key);
    }

    @Override
    public Optional<Incident> findIncident(RealmModel realm, IncidentRowId rowId) {
        return incidents.findIncident(realm, rowId);
    }

    @Override
    public List<Incident> listIncidents(RealmModel realm, int first, int max) {
        return incidents.listIncidents(realm, first, max);
    }

    @Override
    public long countIncidents(RealmModel realm) {
        return incidents.countIncidents(realm);
    }

    @Override
    public Incident updateIncident(RealmModel realm, IncidentKey key, String title, String description, Policy policy, Actor actor) {
        return incidents.updateIncident(realm, key, title, description, policy, actor);
    }

    @Override
    public Incident closeIncident(RealmModel realm, IncidentKey key, Actor actor) {
        return incidents.closeIncident(realm, key, actor);
    }

    @Override
    public Optional<String> realmConfig(RealmModel realm) {
        return incidents.realmConfig(realm);
    }

    @Override
    public void saveRealmConfig(RealmModel realm, String json, Actor actor) {
        incidents.saveRealmConfig(realm, json, actor);
    }

    // flags and their history

    @Override
    public FlagResult flag(RealmModel realm, Incident incident, String userId, Actor actor, String cause, boolean reflag) {
        FlagResult result = flags.flag(realm, incident, userId, actor, cause, reflag);
        flagsWritten.written(realm.getId(), List.of(userId), true);
        return result;
    }

    @Override
    public Map<String, FlagState> flagStates(RealmModel realm, Incident incident, Collection<String> userIds) {
        return flags.flagStates(realm, incident, userIds);
    }

    @Override
    public Map<String, FlagState> flagBatch(RealmModel realm, Incident incident, List<String> userIds, Actor actor, String cause) {
        Map<String, FlagState> before = flags.flagBatch(realm, incident, userIds, actor, cause);
        flagsWritten.written(realm.getId(), userIds, true);
        return before;
    }

    @Override
    public Flag transition(RealmModel realm, String flagId, FlagState next, Actor actor, String cause, String detail) {
        return written(flags.transition(realm, flagId, next, actor, cause, detail), next == FlagState.FLAGGED);
    }

    @Override
    public Flag recordStepUp(RealmModel realm, String flagId, String factor, boolean enrolled, Actor actor) {
        return written(flags.recordStepUp(realm, flagId, factor, enrolled, actor), false);
    }

    @Override
    public Flag recordStepUpAndRemediate(RealmModel realm, String flagId, String factor, boolean enrolled, boolean passwordRequired,
                                         Actor actor, String cause) {
        return written(flags.recordStepUpAndRemediate(realm, flagId, factor, enrolled, passwordRequired, actor, cause), false);
    }

    @Override
    public Flag recordPasswordChange(RealmModel realm, String flagId, long changedAt, Actor actor) {
        return written(flags.recordPasswordChange(realm, flagId, changedAt, actor), false);
    }

    @Override
    public Flag recordGraceSkip(RealmModel realm, String flagId, Actor actor) {
        return written(flags.recordGraceSkip(realm, flagId, actor), false);
    }

    @Override
    public Flag recordEscalation(RealmModel realm, String flagId, List<String> actions, Actor actor) {
        return written(flags.recordEscalation(realm, flagId, actions, actor), false);
    }

    private Flag written(Flag f, boolean reveals) {
        flagsWritten.written(f.realmId(), List.of(f.userId()), reveals);
        return f;
    }

    @Override
    public boolean readsLatestCommits() {
        int isolation = em.unwrap(Session.class).doReturningWork(Connection::getTransactionIsolation);
        return isolation != Connection.TRANSACTION_NONE && isolation <= Connection.TRANSACTION_READ_COMMITTED;
    }

    @Override
    public Optional<Flag> findFlag(RealmModel realm, IncidentKey incident, String userId) {
        return flags.findFlag(realm, incident, userId);
    }

    @Override
    public Optional<Flag> lockFlag(RealmModel realm, String flagId) {
        return flags.lockFlag(realm, flagId);
    }

    @Override
    public List<Flag> flagsOfUser(RealmModel realm, String userId) {
        return flags.flagsOfUser(realm, userId);
    }

    @Override
    public List<Exposure> openExposures(RealmModel realm, String userId) {
        return flags.openExposures(realm, userId);
    }

    @Override
    public List<Exposure> loginExposures(RealmModel realm, String userId) {
        return flags.loginExposures(realm, userId);
    }

    // what the incident console reads

    @Override
    public FlagPage listFlags(RealmModel realm, Incident incident, FlagFilter filter, int first, int max, long countAtMost) {
        return reports.listFlags(realm, incident, filter, first, max, countAtMost);
    }

    @Override
    public long countFlags(RealmModel realm, Incident incident, FlagFilter filter, long atMost) {
        return reports.countFlags(realm, incident, filter, atMost);
    }

    @Override
    public List<ListedFlag> flagsAfter(RealmModel realm, IncidentRowId incident, Set<FlagState> states, String afterUserId, int max) {
        return reports.flagsAfter(realm, incident, states, afterUserId, max);
    }

    @Override
    public Map<IncidentRowId, IncidentActivity> activity(RealmModel realm, Collection<Incident> incidents) {
        return reports.activity(realm, incidents);
    }

    @Override
    public MetricsCounts metricsCounts() {
        return reports.metricsCounts();
    }

    @Override
    public List<DailyFunnel.Transitions> dailyTransitions(RealmModel realm, Incident incident, long origin) {
        if (!incident.realmId().equals(realm.getId())) {
            throw new IllegalArgumentException("incident " + incident.key() + " is not of realm " + realm.getName());
        }
        return reports.dailyTransitions(incident, origin);
    }

    @Override
    public List<FlagHistoryEntry> history(String flagId) {
        return flags.history(flagId);
    }

    @Override
    public Funnel funnel(RealmModel realm, IncidentKey incident) {
        return flags.funnel(realm, incident);
    }

    @Override
    public void recordObserved(RealmModel realm, List<String> flagIds, String reason, String ask) {
        flags.recordObserved(realm, flagIds, reason, ask);
    }

    @Override
    public List<Observed> observed(RealmModel realm, IncidentKey incident) {
        return flags.observed(realm, incident);
    }

    @Override
    public int removeUserFlags(RealmModel realm, String userId) {
        return flags.removeUserFlags(realm, userId);
    }

    // Keycloak's own tables

    @Override
    public List<StoredUser> storedUsers(String realmId, SubjectType key, Collection<String> values) {
        return keycloak.storedUsers(realmId, key, values);
    }

    @Override
    public Set<String> usersWithStoredSessions(String realmId, Collection<String> userIds) {
        return keycloak.usersWithStoredSessions(realmId, userIds);
    }

    @Override
    public int setNotBeforeOfStoredUsers(String realmId, Collection<String> userIds, int notBefore) {
        return keycloak.setNotBeforeOfStoredUsers(realmId, userIds, notBefore);
    }

    // the other stores

    @Override
    public JobStore jobs() {
        return jobs;
    }

    @Override
    public ReminderStore reminders() {
        return reminders;
    }

    @Override
    public HygieneStore hygiene() {
        return new JpaHygieneStore(em);
    }

    @Override
    public EnforcementGaps gaps() {
        return new JpaEnforcementGaps(em);
    }

    @Override
    public LogoutOutbox logouts() {
        return new JpaLogoutOutbox(em);
    }

    @Override
    public Webhooks webhooks() {
        return new JpaWebhooks(em, webhookQueue);
    }

    @Override
    public SsfReceivers ssf() {
        return new JpaSsfReceivers(em);
    }

    @Override
    public AlertStore alerts() {
        return new JpaAlertStore(em);
    }

    @Override
    public void close() {
        // the EntityManager belongs to Keycloak's JPA connection provider
    }
}
