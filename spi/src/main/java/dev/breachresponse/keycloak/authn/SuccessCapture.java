package dev.breachresponse.keycloak.authn;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import org.keycloak.authentication.AuthenticationFlowContext;

/**
 * Hands Keycloak's own authenticators (OTP form, WebAuthn, recovery codes) the real flow context, and runs a
 * callback when they call {@code success()}: that is how the step-up records which factor passed without
 * re-implementing any of them.
 */
final class SuccessCapture {

    private SuccessCapture() {
    }

    static AuthenticationFlowContext wrap(AuthenticationFlowContext context, Runnable onSuccess) {
        return (AuthenticationFlowContext) Proxy.newProxyInstance(
                AuthenticationFlowContext.class.getClassLoader(),
                new Class<?>[]{AuthenticationFlowContext.class},
                (proxy, method, args) -> {
                    if ("success".equals(method.getName())) {
                        // record first: when recording fails the login fails (closed), never the other way round
                        onSuccess.run();
                    }
                    try {
                        return method.invoke(context, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
