package dev.breachresponse.keycloak.authn;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.IncidentStore.Exposure;

/**
 * True when the user carries an open breach flag (of the configured incidents and states). When the flags
 * cannot be read the condition is true: the sub-flow it guards (step-up) runs, so enforcement fails closed.
 */
final class BreachFlaggedCondition implements ConditionalAuthenticator {

    static final BreachFlaggedCondition INSTANCE = new BreachFlaggedCondition();

    private BreachFlaggedCondition() {
    }

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null) {
            return false;
        }
        if (guardsPendingNotice(context, user)) {
            // this login's step-up passed and shows its notice: the flags are remediated now, but a reload (Keycloak
            // walks the flow again) must reach the step-up's notice, not skip it with the branch
            return true;
        }
        BreachFlaggedConditionConfig config = BreachFlaggedConditionConfig.from(context.getAuthenticatorConfig());
        Enforcement.Outcome outcome = Enforcement.outcome(context.getSession(), context.getRealm(), user);
        LoginMetrics.check(outcome);
        Observation.record(context, outcome);
        Decision d = outcome.enforce();
        boolean flagged;
        if (d.failedClosed()) {
            // negation cannot turn an unreadable store into "not flagged"
            return true;
        }
        flagged = d.exposures().stream().anyMatch(e -> matches(e, config));
        boolean match = config.negate() != flagged;
        if (!match && d.enforced()) {
            // the admin's condition scopes a flagged user out (incidents, states, negate): that is this flow's decision
            // (an unflagged user needs no note: the backstop never acts on them, and the common login writes nothing)
            EnforcementBackstop.markChecked(context.getAuthenticationSession(), user);
        }
        return match;
    }

    /** This condition sits in the sub-flow of the step-up execution whose notice is pending for this user. */
    private static boolean guardsPendingNotice(AuthenticationFlowContext context, UserModel user) {
        BreachStepUpAuthenticator.PendingNotice n = BreachStepUpAuthenticator.noticePending(context.getAuthenticationSession(), user);
        if (n == null || context.getExecution() == null) {
            return false;
        }
        AuthenticationExecutionModel stepUp = context.getRealm().getAuthenticationExecutionById(n.executionId());
        return stepUp != null && stepUp.getParentFlow() != null && stepUp.getParentFlow().equals(context.getExecution().getParentFlow());
    }

    private static boolean matches(Exposure e, BreachFlaggedConditionConfig config) {
        return config.states().contains(e.flag().state())
                && (config.incidents().isEmpty() || config.incidents().contains(e.incident().key().value()));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        // a condition renders no form
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        // a condition asks nothing of the user
    }

    @Override
    public void close() {
        // stateless singleton
    }
}
