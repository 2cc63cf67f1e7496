package dev.breachresponse.keycloak.reminder;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.breachresponse.keycloak.incident.BreakGlass;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.revocation.SessionRevoker;

/**
 * What happens at an incident's deadline to a flag still open: required actions on the user (enrol a factor,
 * change the password), session revocation, and optionally disabling the account; a report-only incident only
 * revokes, a break-glass member gets nothing. Records exactly what it added on the flag, so that {@link #undo} (a dismissal) removes exactly that and nothing the user had before.
 */
public final class Escalation {

    public static final String DISABLED = "DISABLED";
    public static final String SESSIONS_REVOKED = "SESSIONS_REVOKED";

    private Escalation() {
    }

    static List<String> apply(KeycloakSession session, RealmModel realm, Flag flag, Policy policy, String enrolAction) {
        UserModel user = session.users().getUserById(realm, flag.userId());
        List<String> done = new ArrayList<>();
        if (user == null) {
            return done;
        }
        Policy.OnDeadline d = policy.onDeadline();
        if (BreakGlass.isMember(session, realm, user, Enforcement.settings(session, realm).breakGlass())) {
            // emergency accounts are never challenged, escalated or disabled: the escalation is recorded as empty
            session.getProvider(IncidentStore.class).recordEscalation(realm, flag.id(), done, Actor.SYSTEM);
            return done;
        }
        // report-only: revocation follows the policy, but nothing challenges the user (no required actions, no disabling)
        boolean challenge = !policy.reportOnly();
        if (challenge && d.requiredActions()) {
            boolean hasFactor = Factor.configuredAny(user, policy.allowedFactors());
            if (policy.requireMfa() && !hasFactor && addAction(user, enrolAction)) {
                done.add(enrolAction);
            }
            if (policy.requirePasswordChange() && flag.passwordChangedAt() == null
                    && addAction(user, UserModel.RequiredAction.UPDATE_PASSWORD.name())) {
                done.add(UserModel.RequiredAction.UPDATE_PASSWORD.name());
            }
        }
        if (d.revokeSessions()) {
            SessionRevoker.revoke(session, realm, user);
            done.add(SESSIONS_REVOKED);
        }
        if (challenge && d.disableAccount() && user.isEnabled()) {
            user.setEnabled(false);
            done.add(DISABLED);
        }
        session.getProvider(IncidentStore.class).recordEscalation(realm, flag.id(), done, Actor.SYSTEM);
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
    public static void undo(KeycloakSession session, RealmModel realm, Flag flag) {
        if (flag.escalatedActions().isEmpty()) {
            return;
        }
        UserModel user = session.users().getUserById(realm, flag.userId());
        if (user == null) {
            return;
        }
        List<String> stillNeeded = session.getProvider(IncidentStore.class).flagsOfUser(realm, flag.userId()).stream()
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
