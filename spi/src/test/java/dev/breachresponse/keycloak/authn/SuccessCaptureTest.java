package dev.breachresponse.keycloak.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.models.RealmModel;

/** What Keycloak's flow sees when a delegated authenticator succeeds or fails through the proxy. */
class SuccessCaptureTest {

    final List<String> calls = new ArrayList<>();
    final List<Object> arguments = new ArrayList<>();

    /** A flow context that records calls; its realm has brute-force protection off (nothing to count here). */
    AuthenticationFlowContext recording() {
        RealmModel realm = (RealmModel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{RealmModel.class},
                (p, m, a) -> "isBruteForceProtected".equals(m.getName()) ? Boolean.FALSE : null);
        return (AuthenticationFlowContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{AuthenticationFlowContext.class},
                (p, m, a) -> {
                    if ("getRealm".equals(m.getName())) {
                        return realm;
                    }
                    calls.add(m.getName());
                    if (a != null) {
                        arguments.addAll(java.util.Arrays.asList(a));
                    }
                    return null;
                });
    }

    @Test
    void aFailureChallengeReachesTheFlowAsAForcedChallengeWithTheSamePage() {
        Response page = null; // no JAX-RS runtime in unit tests: the page is passed on by reference, whatever it is
        SuccessCapture.wrap(recording(), "auth-otp-form", type -> callback(type, null))
                .failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, page);
        // the flow would count failureChallenge a second time (under the step-up's category)
        assertEquals(List.of("forceChallenge"), calls);
        assertEquals(1, arguments.size(), "only the page, no error: " + arguments);
        assertSame(page, arguments.get(0));
    }

    /** Records the call and the credential type it was given, and answers {@code page}. */
    Response callback(String credentialType, Response page) {
        calls.add("callback " + credentialType);
        return page;
    }

    @Test
    void successRunsTheCallbackFirst() {
        SuccessCapture.wrap(recording(), "auth-otp-form", type -> callback(type, null)).success("otp");
        assertEquals(List.of("callback otp", "success"), calls);
        assertEquals(List.of("otp"), arguments);
    }

    @Test
    void aSuccessWithoutACredentialTypeGivesTheCallbackNone() {
        SuccessCapture.wrap(recording(), "auth-otp-form", type -> callback(type, null)).success();
        assertEquals(List.of("callback null", "success"), calls);
    }

    @Test
    void failureAndChallengesPassThrough() {
        AuthenticationFlowContext proxy = SuccessCapture.wrap(recording(), "webauthn-authenticator", type -> callback(type, null));
        proxy.failure(AuthenticationFlowError.INVALID_CREDENTIALS, null);
        proxy.challenge(null);
        proxy.forceChallenge(null);
        assertEquals(List.of("failure", "challenge", "forceChallenge"), calls);
    }
}
