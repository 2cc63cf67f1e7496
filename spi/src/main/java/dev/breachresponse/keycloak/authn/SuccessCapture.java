package dev.breachresponse.keycloak.authn;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Function;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;

/**
 * Hands Keycloak's own authenticators (OTP form, WebAuthn, recovery codes) the real flow context, runs a
 * callback when they call {@code success()} (that is how the step-up records which factor passed without
 * re-implementing any of them), and counts their failures in Keycloak's brute-force protection with their own
 * category ({@link BruteForce#failed}), which Keycloak would not do for the step-up execution.
 *
 * <p>One wrong code is one failure: {@code failureChallenge(error, page)} is counted here and answered with
 * {@code forceChallenge(page)}, the same page without the flow's own {@code logFailure} (as Keycloak's
 * {@code ValidateUsername} answers a locked user). {@code failure(...)} is counted here and passed on; the flow's
 * own count of it carries the step-up's category "breach-step-up", which Keycloak's protector ignores.
 */
final class SuccessCapture {

    private SuccessCapture() {
    }

    /**
     * @param context the real flow context
     * @param authenticatorId provider id of the Keycloak authenticator the proxy is handed to (its reference
     *        category is the brute-force category of its failures)
     * @param onSuccess runs when the authenticator calls {@code success()} or {@code success(credentialType)}, with
     *        that credential type (or null); if it throws, the login fails (closed). A page it returns is shown
     *        ({@code challenge}) instead of the success reaching Keycloak, and the caller passes the success on when
     *        that page is answered; null lets the success through at once
     */
    static AuthenticationFlowContext wrap(AuthenticationFlowContext context, String authenticatorId, Function<String, Response> onSuccess) {
        return (AuthenticationFlowContext) Proxy.newProxyInstance(
                AuthenticationFlowContext.class.getClassLoader(),
                new Class<?>[]{AuthenticationFlowContext.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "success" -> {
                            Response page = onSuccess.apply(args == null || args.length == 0 ? null : (String) args[0]);
                            if (page != null) {
                                context.challenge(page);
                                return null;
                            }
                        }
                        case "failureChallenge" -> {
                            BruteForce.failed(context, authenticatorId);
                            context.forceChallenge((Response) args[1]);
                            return null;
                        }
                        case "failure" -> BruteForce.failed(context, authenticatorId);
                        default -> {
                            // everything else goes straight to the real context
                        }
                    }
                    try {
                        return method.invoke(context, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
