package dev.breachresponse.keycloak.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;

/**
 * Which executions count as "this flow" for a factor passed earlier in the login
 * ({@link BreachStepUpAuthenticator#executionsOf}): the top-level flow's and its sub-flows' at any depth, never
 * another top-level flow's (a login can move from the browser flow to reset credentials and name another user).
 */
class StepUpFlowScopeTest {

    private static AuthenticationExecutionModel execution(String id, String parent, String subFlow) {
        AuthenticationExecutionModel e = new AuthenticationExecutionModel();
        e.setId(id);
        e.setParentFlow(parent);
        if (subFlow != null) {
            e.setAuthenticatorFlow(true);
            e.setFlowId(subFlow);
        } else {
            e.setAuthenticator("auth-otp-form");
        }
        return e;
    }

    /** browser: cookie, forms (→ username-password, conditional OTP (→ otp form)), step-up (→ condition, step-up); reset: otp. */
    private static final Map<String, List<AuthenticationExecutionModel>> FLOWS = Map.of(
            "browser", List.of(execution("cookie", "browser", null), execution("forms", "browser", "forms-flow"),
                    execution("breach", "browser", "breach-flow")),
            "forms-flow", List.of(execution("password", "forms-flow", null), execution("conditional-otp", "forms-flow", "otp-flow")),
            "otp-flow", List.of(execution("browser-otp", "otp-flow", null)),
            "breach-flow", List.of(execution("condition", "breach-flow", null), execution("step-up", "breach-flow", null)),
            "reset", List.of(execution("choose-user", "reset", null), execution("reset-otp", "reset", null)));

    private static RealmModel realm() {
        return (RealmModel) Proxy.newProxyInstance(RealmModel.class.getClassLoader(), new Class<?>[] {RealmModel.class}, (p, m, a) -> {
            if ("getAuthenticationExecutionsStream".equals(m.getName())) {
                return FLOWS.getOrDefault((String) a[0], List.of()).stream();
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    @Test
    void theBrowserFlowHoldsItsOwnExecutionsAtEveryDepth() {
        assertEquals(Set.of("cookie", "forms", "breach", "password", "conditional-otp", "browser-otp", "condition", "step-up"),
                BreachStepUpAuthenticator.executionsOf(realm(), "browser"));
    }

    @Test
    void theResetFlowHoldsNoneOfTheBrowserFlows() {
        assertEquals(Set.of("choose-user", "reset-otp"), BreachStepUpAuthenticator.executionsOf(realm(), "reset"));
    }

    @Test
    void aFlowThatNamesItselfAsASubFlowIsWalkedOnce() {
        Map<String, List<AuthenticationExecutionModel>> loop = Map.of("a", List.of(execution("x", "a", "b")), "b", List.of(execution("y", "b", "a")));
        RealmModel realm = (RealmModel) Proxy.newProxyInstance(RealmModel.class.getClassLoader(), new Class<?>[] {RealmModel.class},
                (p, m, a) -> loop.getOrDefault((String) a[0], List.of()).stream());
        assertEquals(Set.of("x", "y"), BreachStepUpAuthenticator.executionsOf(realm, "a"));
    }
}
