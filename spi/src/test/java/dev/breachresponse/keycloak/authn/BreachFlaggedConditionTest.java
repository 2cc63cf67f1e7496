package dev.breachresponse.keycloak.authn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * The condition fails closed whatever its options: when the flag store cannot be read, no option (negate, an
 * incident list, a state list) turns that into "not flagged", so the step-up sub-flow runs. An integration test
 * cannot make the real store fail on demand; this one gives the condition a store that throws.
 */
class BreachFlaggedConditionTest {

    @SuppressWarnings("unchecked")
    static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler h) {
        return (T) Proxy.newProxyInstance(BreachFlaggedConditionTest.class.getClassLoader(), new Class<?>[]{type}, h);
    }

    /** A login of user u1 in realm r1 whose flag store throws on every call. */
    static AuthenticationFlowContext loginWithUnreadableStore(Map<String, String> options) {
        IncidentStore store = proxy(IncidentStore.class, (p, m, a) -> {
            throw new IllegalStateException("database unreachable");
        });
        Map<String, Object> attributes = new HashMap<>();
        KeycloakSession session = proxy(KeycloakSession.class, (p, m, a) -> switch (m.getName()) {
            case "getProvider" -> a[0] == IncidentStore.class ? store : null;
            case "getAttribute" -> attributes.get((String) a[0]);
            case "setAttribute" -> attributes.put((String) a[0], a[1]);
            case "removeAttribute" -> attributes.remove((String) a[0]);
            default -> null;
        });
        RealmModel realm = proxy(RealmModel.class, (p, m, a) -> switch (m.getName()) {
            case "getId" -> "r1";
            case "getName" -> "r";
            default -> null;
        });
        UserModel user = proxy(UserModel.class, (p, m, a) -> "getId".equals(m.getName()) ? "u1" : null);
        AuthenticatorConfigModel config = new AuthenticatorConfigModel();
        config.setAlias("condition");
        config.setConfig(new HashMap<>(options));
        return proxy(AuthenticationFlowContext.class, (p, m, a) -> switch (m.getName()) {
            case "getSession" -> session;
            case "getRealm" -> realm;
            case "getUser" -> user;
            case "getAuthenticatorConfig" -> config;
            default -> null;
        });
    }

    @ParameterizedTest(name = "negate={0}, incidents={1}, states={2}")
    @CsvSource({
            "false, '', ''",
            "true, '', ''",
            "true, canary, ''",
            "false, canary, ''",
            "true, '', FLAGGED",
            "false, canary, STEPPED_UP",
    })
    void anUnreadableStoreHoldsTheConditionWhateverTheOptions(String negate, String incidents, String states) {
        Map<String, String> options = Map.of(BreachFlaggedConditionConfig.NEGATE, negate,
                BreachFlaggedConditionConfig.INCIDENTS, incidents, BreachFlaggedConditionConfig.STATES, states);
        assertTrue(BreachFlaggedCondition.INSTANCE.matchCondition(loginWithUnreadableStore(options)),
                "fail closed: the step-up must run when the flags cannot be read");
    }
}
