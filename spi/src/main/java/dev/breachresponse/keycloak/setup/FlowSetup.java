package dev.breachresponse.keycloak.setup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.keycloak.authentication.AuthenticationFlow;
import org.keycloak.authentication.authenticators.access.AllowAccessAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import dev.breachresponse.keycloak.authn.BreachStepUpAuthenticatorFactory;
import dev.breachresponse.keycloak.authn.BreachFlaggedConditionFactory;
import dev.breachresponse.keycloak.authn.BreachPasswordCheckFactory;

/**
 * Builds the breach-enforcing copies of a realm's flows. A copy wraps the original top-level executions
 * (cookie, IdP redirector, forms, ...) in one REQUIRED sub-flow and adds, after it, a CONDITIONAL sub-flow
 * "Condition - breach flagged" + "Breach step-up MFA", so a login that an SSO cookie satisfied steps up too; each
 * password check in the copy is followed by the breached-password check (a no-op unless the realm turns it on).
 * The original flow is left untouched (an admin can bind it back to undo).
 */
final class FlowSetup {

    static final String ALIAS_PREFIX = "breach response - ";
    static final String STEP_UP_FLOW = "breach step-up";

    private final RealmModel realm;

    FlowSetup(RealmModel realm) {
        this.realm = realm;
    }

    /**
     * True when the flow (or one of its sub-flows) runs the breach step-up: an execution that is not DISABLED, in
     * sub-flows none of which is DISABLED (an admin who disables the step-up, or its sub-flow, turns it off).
     */
    boolean hasStepUp(AuthenticationFlowModel flow) {
        if (flow == null) {
            return false;
        }
        return realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(e -> e.getRequirement() != Requirement.DISABLED)
                .anyMatch(e -> e.isAuthenticatorFlow()
                        ? hasStepUp(realm.getAuthenticationFlowById(e.getFlowId()))
                        : BreachStepUpAuthenticatorFactory.ID.equals(e.getAuthenticator()));
    }

    /** Copies {@code original} with the wrapping and the step-up; returns the new top-level flow. */
    AuthenticationFlowModel wrap(AuthenticationFlowModel original) {
        AuthenticationFlowModel top = newFlow(ALIAS_PREFIX + original.getAlias(),
                "Copy of '" + original.getAlias() + "' with the breach step-up after it (Breach Response setup)", true);
        AuthenticationFlowModel inner = newFlow(ALIAS_PREFIX + original.getAlias() + " - identify",
                "The original top-level executions of '" + original.getAlias() + "'", false);
        addSubFlow(top, inner, Requirement.REQUIRED, 0);
        copyExecutions(original, inner);
        addStepUp(top, 10, original.getAlias());
        return top;
    }

    /**
     * Copies the reset-credentials flow with the step-up right after the mailbox proof ({@code afterAuthenticator},
     * Keycloak's "reset-credential-email"), before anything that sets a password or resets OTP: a user who has a
     * second factor must pass it before the mailbox alone can change their credentials (keycloak#12759).
     * Without that execution the step-up goes last.
     */
    AuthenticationFlowModel insertAfter(AuthenticationFlowModel original, String afterAuthenticator) {
        AuthenticationFlowModel top = newFlow(ALIAS_PREFIX + original.getAlias(),
                "Copy of '" + original.getAlias() + "' with the breach step-up after the mailbox proof (Breach Response setup)", true);
        List<AuthenticationExecutionModel> executions = new ArrayList<>(realm.getAuthenticationExecutionsStream(original.getId()).toList());
        executions.sort(Comparator.comparingInt(AuthenticationExecutionModel::getPriority));
        int priority = 0;
        boolean placed = false;
        for (AuthenticationExecutionModel e : executions) {
            copyExecution(e, top, priority);
            priority += 10;
            if (!placed && afterAuthenticator.equals(e.getAuthenticator())) {
                addStepUp(top, priority, original.getAlias());
                priority += 10;
                placed = true;
            }
        }
        if (!placed) {
            addStepUp(top, priority, original.getAlias());
        }
        return top;
    }

    /** A top-level flow holding only the step-up: the post-broker-login flow of identity providers. */
    AuthenticationFlowModel postBrokerLogin() {
        AuthenticationFlowModel top = newFlow(ALIAS_PREFIX + "post broker login",
                "Breach step-up after every identity-provider login (Breach Response setup)", true);
        // a flow whose only execution is a conditional sub-flow fails when the condition does not hold;
        // Keycloak's "Allow access" gives unflagged users the one successful step the flow needs
        addExecution(top, AllowAccessAuthenticatorFactory.PROVIDER_ID, Requirement.REQUIRED, 0, null);
        addStepUp(top, 10, "post broker login");
        return top;
    }

    private void addStepUp(AuthenticationFlowModel parent, int priority, String forAlias) {
        AuthenticationFlowModel stepUp = newFlow(ALIAS_PREFIX + forAlias + " - " + STEP_UP_FLOW,
                "Step-up MFA for users with an open breach flag", false);
        addSubFlow(parent, stepUp, Requirement.CONDITIONAL, priority);
        addExecution(stepUp, BreachFlaggedConditionFactory.ID, Requirement.REQUIRED, 0, null);
        AuthenticatorConfigModel amr = new AuthenticatorConfigModel();
        amr.setAlias(uniqueConfigAlias(stepUp.getAlias() + " amr"));
        amr.setConfig(new HashMap<>(Map.of(
                Constants.AUTHENTICATION_EXECUTION_REFERENCE_VALUE, BreachStepUpAuthenticatorFactory.AMR_VALUE,
                Constants.AUTHENTICATION_EXECUTION_REFERENCE_MAX_AGE, BreachStepUpAuthenticatorFactory.AMR_MAX_AGE)));
        amr = realm.addAuthenticatorConfig(amr);
        addExecution(stepUp, BreachStepUpAuthenticatorFactory.ID, Requirement.REQUIRED, 10, amr.getId());
    }

    /**
     * Copies the executions in their order (priorities 0, 10, 20, ...), each password check (a password form, direct
     * grant's password validation) followed by the breached-password check.
     */
    private void copyExecutions(AuthenticationFlowModel from, AuthenticationFlowModel to) {
        int priority = 0;
        for (AuthenticationExecutionModel e : sorted(from)) {
            copyExecution(e, to, priority);
            if (checksPassword(e)) {
                addExecution(to, BreachPasswordCheckFactory.ID, Requirement.REQUIRED, priority + 5, null);
            }
            priority += 10;
        }
    }

    private List<AuthenticationExecutionModel> sorted(AuthenticationFlowModel flow) {
        List<AuthenticationExecutionModel> executions = new ArrayList<>(realm.getAuthenticationExecutionsStream(flow.getId()).toList());
        executions.sort(Comparator.comparingInt(AuthenticationExecutionModel::getPriority));
        return executions;
    }

    /**
     * A REQUIRED password check: only after one of these may the (REQUIRED) breached-password check go. Beside an
     * ALTERNATIVE password form it would not: Keycloak runs only the REQUIRED executions of a sub-flow that has both,
     * so the password form would be skipped (a passkey-or-password layout would then sign in with a username alone).
     * Such forms are left as they are and reported by {@link EnforcementAudit}; DISABLED ones are ignored.
     */
    private static boolean checksPassword(AuthenticationExecutionModel e) {
        return !e.isAuthenticatorFlow() && e.getRequirement() == Requirement.REQUIRED && BreachPasswordCheckFactory.AFTER.contains(e.getAuthenticator());
    }

    /** Whether the execution after position {@code i} of a sub-flow's (sorted) executions is the breached-password check. */
    static boolean checkFollows(List<AuthenticationExecutionModel> executions, int i) {
        return i + 1 < executions.size() && BreachPasswordCheckFactory.ID.equals(executions.get(i + 1).getAuthenticator());
    }

    /**
     * Adds the breached-password check after each REQUIRED password check of a flow this setup built before it existed (its
     * alias starts with {@value #ALIAS_PREFIX}; an admin's own flows are left as they are); returns how many it added.
     */
    int addPasswordChecks(AuthenticationFlowModel flow) {
        if (flow == null || !flow.getAlias().startsWith(ALIAS_PREFIX)) {
            return 0;
        }
        int added = 0;
        List<AuthenticationExecutionModel> executions = sorted(flow);
        boolean missing = false;
        for (int i = 0; i < executions.size(); i++) {
            AuthenticationExecutionModel e = executions.get(i);
            if (e.isAuthenticatorFlow()) {
                added += addPasswordChecks(realm.getAuthenticationFlowById(e.getFlowId()));
            } else if (checksPassword(e) && !checkFollows(executions, i)) {
                missing = true;
            }
        }
        if (!missing) {
            return added;
        }
        int priority = 0;
        for (int i = 0; i < executions.size(); i++) {
            AuthenticationExecutionModel e = executions.get(i);
            e.setPriority(priority);
            realm.updateAuthenticatorExecution(e);
            if (checksPassword(e) && !checkFollows(executions, i)) {
                addExecution(flow, BreachPasswordCheckFactory.ID, Requirement.REQUIRED, priority + 5, null);
                added++;
            }
            priority += 10;
        }
        return added;
    }

    private void copyExecution(AuthenticationExecutionModel e, AuthenticationFlowModel to, int priority) {
        if (e.isAuthenticatorFlow()) {
            AuthenticationFlowModel sub = realm.getAuthenticationFlowById(e.getFlowId());
            AuthenticationFlowModel copy = new AuthenticationFlowModel();
            copy.setAlias(uniqueFlowAlias(ALIAS_PREFIX + sub.getAlias()));
            copy.setDescription(sub.getDescription());
            copy.setProviderId(sub.getProviderId());
            copy.setTopLevel(false);
            copy.setBuiltIn(false);
            copy = realm.addAuthenticationFlow(copy);
            AuthenticationExecutionModel link = base(to, e.getRequirement(), priority);
            link.setAuthenticatorFlow(true);
            link.setFlowId(copy.getId());
            link.setAuthenticator(e.getAuthenticator());
            link.setAuthenticatorConfig(copyConfig(e.getAuthenticatorConfig()));
            realm.addAuthenticatorExecution(link);
            copyExecutions(sub, copy);
        } else {
            addExecution(to, e.getAuthenticator(), e.getRequirement(), priority, copyConfig(e.getAuthenticatorConfig()));
        }
    }

    private String copyConfig(String configId) {
        if (configId == null) {
            return null;
        }
        AuthenticatorConfigModel original = realm.getAuthenticatorConfigById(configId);
        if (original == null) {
            return null;
        }
        AuthenticatorConfigModel copy = new AuthenticatorConfigModel();
        copy.setAlias(uniqueConfigAlias(ALIAS_PREFIX + original.getAlias()));
        copy.setConfig(original.getConfig() == null ? new HashMap<>() : new HashMap<>(original.getConfig()));
        return realm.addAuthenticatorConfig(copy).getId();
    }

    private AuthenticationFlowModel newFlow(String alias, String description, boolean topLevel) {
        AuthenticationFlowModel f = new AuthenticationFlowModel();
        f.setAlias(uniqueFlowAlias(alias));
        f.setDescription(description);
        f.setProviderId(AuthenticationFlow.BASIC_FLOW);
        f.setTopLevel(topLevel);
        f.setBuiltIn(false);
        return realm.addAuthenticationFlow(f);
    }

    private void addSubFlow(AuthenticationFlowModel parent, AuthenticationFlowModel sub, Requirement requirement, int priority) {
        AuthenticationExecutionModel e = base(parent, requirement, priority);
        e.setAuthenticatorFlow(true);
        e.setFlowId(sub.getId());
        realm.addAuthenticatorExecution(e);
    }

    private void addExecution(AuthenticationFlowModel parent, String authenticator, Requirement requirement, int priority, String configId) {
        AuthenticationExecutionModel e = base(parent, requirement, priority);
        e.setAuthenticator(authenticator);
        e.setAuthenticatorFlow(false);
        e.setAuthenticatorConfig(configId);
        realm.addAuthenticatorExecution(e);
    }

    private static AuthenticationExecutionModel base(AuthenticationFlowModel parent, Requirement requirement, int priority) {
        AuthenticationExecutionModel e = new AuthenticationExecutionModel();
        e.setParentFlow(parent.getId());
        e.setRequirement(requirement);
        e.setPriority(priority);
        return e;
    }

    private String uniqueFlowAlias(String alias) {
        return unique(alias, a -> realm.getFlowByAlias(a) != null);
    }

    private String uniqueConfigAlias(String alias) {
        return unique(alias, a -> realm.getAuthenticatorConfigByAlias(a) != null);
    }

    private static String unique(String alias, Predicate<String> taken) {
        String candidate = alias;
        for (int i = 2; taken.test(candidate); i++) {
            candidate = alias + " " + i;
        }
        return candidate;
    }

    /** Runs {@code bind} with the wrapped copy unless {@code current} already steps up. */
    boolean ensure(AuthenticationFlowModel current, Consumer<AuthenticationFlowModel> bind) {
        Objects.requireNonNull(current, "flow");
        if (hasStepUp(current)) {
            return false;
        }
        bind.accept(wrap(current));
        return true;
    }
}
