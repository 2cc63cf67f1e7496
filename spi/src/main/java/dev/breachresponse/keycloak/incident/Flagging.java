package dev.breachresponse.keycloak.incident;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The flagging service: every writer that flags users, dismisses a flag or escalates one at its deadline (the
 * admin API, the bulk worker, the reminder campaign; signals and the console next) comes here, so that "flag,
 * then revoke sessions when the policy says so", "dismiss, then remove what the escalation added" and "escalate,
 * then record what was added" are each decided once. Flag states change only through the store's guarded
 * writer ({@link IncidentStore}); this class never sets a state itself. Works in the caller's transaction.
 */
public final class Flagging {

    /**
     * Ends what users already hold (refresh and offline tokens, sessions). Implemented in the revocation package
     * ({@code SessionRevoker}), which the caller hands in: {@code incident} may not depend on it (LayeringTest).
     */
    @FunctionalInterface
    public interface Revocation {
        /**
         * @param userIds users of the realm this service works in
         * @return the number of online and offline sessions removed
         */
        int revoke(List<String> userIds);
    }

    /** Escalation action recorded on a flag: the account was disabled (a dismissal re-enables it). */
    public static final String DISABLED = "DISABLED";

    /** Escalation action recorded on a flag: the user's sessions were revoked (not undone). */
    public static final String SESSIONS_REVOKED = "SESSIONS_REVOKED";

    /** History cause of a dismissal by an admin (the reason is the entry's detail). */
    public static final String CAUSE_DISMISSED = "dismissed";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final IncidentStore store;
    private final Revocation revocation;

    public Flagging(KeycloakSession session, RealmModel realm, Revocation revocation) {
        this.session = session;
        this.realm = realm;
        this.store = session.getProvider(IncidentStore.class);
        this.revocation = revocation;
    }

    /** Outcome of {@link #flag}: the store's result and how many sessions were revoked (0 when none were). */
    public record Flagged(IncidentStore.FlagResult result, int sessionsRevoked) {
    }

    /**
     * Flags one user in an open incident, re-flagging a dismissed or remediated flag; when a flag was written
     * (FLAGGED or REFLAGGED) and the policy says {@code revokeSessions}, revokes the user's sessions.
     *
     * @throws IllegalStateException when the incident is closed
     */
    public Flagged flag(Incident incident, String userId, Actor actor, String cause) {
        IncidentStore.FlagResult result = store.flag(realm, incident, userId, actor, cause, true);
        boolean written = result.outcome() != IncidentStore.FlagOutcome.ALREADY_FLAGGED;
        int revoked = written && incident.policy().revokeSessions() ? revocation.revoke(List.of(userId)) : 0;
        if (written) {
            announce(incident, List.of(userId));
            session.getKeycloakSessionFactory().publish(new FlagsAdded(session, realm, incident, List.of(userId), actor,
                    incident.policy().revokeSessions()));
        }
        return new Flagged(result, revoked);
    }

    /**
     * Outcome of {@link #flagAll}: for each distinct user id the state its flag had before ({@code null}: newly
     * flagged), in the order given; the users newly flagged, in that order; sessions revoked.
     */
    public record Batch(Map<String, FlagState> before, List<String> fresh, int sessionsRevoked) {
    }

    /**
     * Flags many users of one open incident as one set-based batch (see {@link IncidentStore#flagBatch}: never
     * re-flags), then, when the policy says {@code revokeSessions}, revokes the newly flagged users' sessions in
     * one call.
     *
     * @throws IllegalStateException when the incident is closed
     */
    public Batch flagAll(Incident incident, List<String> userIds, Actor actor, String cause) {
        Map<String, FlagState> before = new LinkedHashMap<>(store.flagBatch(realm, incident, userIds, actor, cause));
        List<String> fresh = new ArrayList<>();
        before.forEach((id, state) -> {
            if (state == null) {
                fresh.add(id);
            }
        });
        int revoked = !fresh.isEmpty() && incident.policy().revokeSessions() ? revocation.revoke(fresh) : 0;
        announce(incident, fresh);
        if (!fresh.isEmpty()) {
            session.getKeycloakSessionFactory().publish(new FlagsAdded(session, realm, incident, fresh, actor, incident.policy().revokeSessions()));
        }
        return new Batch(before, List.copyOf(fresh), revoked);
    }

    /** The component type under which Keycloak 26.6+ keeps a realm's workflows ({@code WorkflowProvider}'s class name). */
    static final String WORKFLOW_COMPONENT_TYPE = "org.keycloak.models.workflow.WorkflowProvider";

    /**
     * Publishes {@link BreachFlagged} for each newly flagged user, so Keycloak's Workflows can react; skipped at once
     * (one look at the realm's cached components) in a realm without workflows, so the bulk path pays nothing there.
     */
    private void announce(Incident incident, List<String> userIds) {
        if (userIds.isEmpty() || realm.getComponentsStream(realm.getId(), WORKFLOW_COMPONENT_TYPE).findAny().isEmpty()) {
            return;
        }
        if (session.getContext().getRealm() == null) {
            // the workflow listener reads the realm from the event's session (a bulk job's session has none set)
            session.getContext().setRealm(realm);
        }
        for (String userId : userIds) {
            session.getKeycloakSessionFactory().publish(new BreachFlagged(session, realm, userId, incident.key()));
        }
    }

    /** Outcome of {@link #dismiss}: the flag as it is now, and whether this call dismissed it. */
    public record Dismissal(Flag flag, boolean changed) {
    }

    /**
     * Dismisses a flag with the admin's reason and removes exactly what the escalation of this flag added
     * (required actions, a disabled account), keeping what another open escalated flag of the user still needs.
     * A flag already dismissed is returned unchanged.
     *
     * @throws IllegalTransitionException when the flag's state may not move to DISMISSED (a remediated flag)
     */
    public Dismissal dismiss(Flag flag, Actor actor, String reason) {
        if (flag.state() == FlagState.DISMISSED) {
            return new Dismissal(flag, false);
        }
        Flag dismissed = store.transition(realm, flag.id(), FlagState.DISMISSED, actor, CAUSE_DISMISSED, reason);
        undoEscalation(dismissed);
        return new Dismissal(dismissed, true);
    }

    /**
     * What happens at an incident's deadline to a flag still open: required actions on the user (enrol a factor
     * by {@code enrolAction}, change the password), session revocation, and optionally disabling the account; a
     * report-only incident only revokes, a break-glass member gets nothing. Records exactly what was added on the
     * flag (a NOTE in its history), so that {@link #dismiss} removes exactly that and nothing the user had before.
     *
     * @return what was added: required action ids, {@link #SESSIONS_REVOKED}, {@link #DISABLED}; empty when the
     *         user is gone, a break-glass member, or the flag is no longer open
     */
    public List<String> escalate(Flag flag, Policy policy, String enrolAction) {
        List<String> done = new ArrayList<>();
        // locked first: a dismissal arriving meanwhile waits for this transaction and then undoes what it recorded
        Flag current = store.lockFlag(realm, flag.id()).filter(f -> f.state().isOpen()).orElse(null);
        UserModel user = current == null ? null : session.users().getUserById(realm, flag.userId());
        if (user == null) {
            // a flag dismissed, remediated or removed since it was read is not escalated: nothing to add, nothing recorded
            return done;
        }
        Policy.OnDeadline d = policy.onDeadline();
        if (BreakGlass.isMember(session, realm, user, Enforcement.settings(session, realm).breakGlass())) {
            // emergency accounts are never challenged, escalated or disabled: the escalation is recorded as empty
            store.recordEscalation(realm, flag.id(), done, Actor.SYSTEM);
            return done;
        }
        // report-only: revocation follows the policy, but nothing challenges the user (no required actions, no disabling)
        boolean challenge = !policy.reportOnly();
        if (challenge && d.requiredActions()) {
            boolean hasFactor = Factor.configuredAny(user, policy.allowedFactors());
            if (policy.requireMfa() && !hasFactor && addAction(user, enrolAction)) {
                done.add(enrolAction);
            }
            if (policy.requirePasswordChange() && current.passwordChangedAt() == null
                    && addAction(user, UserModel.RequiredAction.UPDATE_PASSWORD.name())) {
                done.add(UserModel.RequiredAction.UPDATE_PASSWORD.name());
            }
        }
        if (d.revokeSessions()) {
            revocation.revoke(List.of(user.getId()));
            done.add(SESSIONS_REVOKED);
        }
        if (challenge && d.disableAccount() && user.isEnabled()) {
            user.setEnabled(false);
            done.add(DISABLED);
        }
        store.recordEscalation(realm, flag.id(), done, Actor.SYSTEM);
        return done;
    }

    private static boolean addAction(UserModel user, String action) {
        if (user.getRequiredActionsStream().anyMatch(action::equals)) {
            return false;
        }
        user.addRequiredAction(action);
        return true;
    }

    /**
     * Removes what the escalation of this (now dismissed) flag added: its required actions, and re-enables the
     * account if the escalation disabled it. Another open flag of the user that escalated keeps its own.
     */
    private void undoEscalation(Flag flag) {
        if (flag.escalatedActions().isEmpty()) {
            return;
        }
        UserModel user = session.users().getUserById(realm, flag.userId());
        if (user == null) {
            return;
        }
        List<String> stillNeeded = store.flagsOfUser(realm, flag.userId()).stream()
                .filter(f -> !f.id().equals(flag.id()) && f.state().isOpen())
                .flatMap(f -> f.escalatedActions().stream()).toList();
        for (String action : flag.escalatedActions()) {
            if (stillNeeded.contains(action) || SESSIONS_REVOKED.equals(action)) {
                continue;
            }
            if (DISABLED.equals(action)) {
                user.setEnabled(true);
            } else {
                user.removeRequiredAction(action);
            }
        }
    }
}
