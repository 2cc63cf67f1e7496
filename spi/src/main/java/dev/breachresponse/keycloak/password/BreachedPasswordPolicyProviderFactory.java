package dev.breachresponse.keycloak.password;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyConfigException;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PasswordPolicyProviderFactory;
import org.keycloak.policy.PolicyError;

import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.metrics.BreachMetrics;
import dev.breachresponse.keycloak.support.NoLifecycle;

/**
 * Keycloak password policy {@code breached-password(N)}: a new password (registration, reset, update password, an
 * admin setting one) that the realm's breach sources have seen at least N times is refused with the localized message
 * {@value #MESSAGE}. When no source can answer, the realm's {@code breachedPasswords.failClosed} decides: refuse with
 * {@value #UNAVAILABLE_MESSAGE}, or accept (the default). Sources: {@link BreachedPasswords}.
 */
public final class BreachedPasswordPolicyProviderFactory implements PasswordPolicyProviderFactory, NoLifecycle<PasswordPolicyProvider> {

    public static final String ID = "breached-password";

    static final String MESSAGE = "breachedPasswordMessage";
    static final String UNAVAILABLE_MESSAGE = "breachedPasswordUnavailableMessage";

    @Override
    public PasswordPolicyProvider create(KeycloakSession session) {
        return new Policy(session);
    }

    private static final class Policy implements PasswordPolicyProvider {

        private final KeycloakSession session;

        Policy(KeycloakSession session) {
            this.session = session;
        }

        @Override
        public PolicyError validate(RealmModel realm, UserModel user, String password) {
            if (password == null || password.isEmpty()) {
                return null; // other policies (length) speak to an empty password
            }
            Integer min = realm.getPasswordPolicy().getPolicyConfig(ID);
            RealmSettings.BreachedPasswords settings = Enforcement.settings(session, realm).breachedPasswords();
            BreachedPasswords.Verdict v = BreachedPasswords.of(session).check(realm, settings, password, min == null ? 1 : min);
            BreachMetrics.passwordCheck(BreachMetrics.PasswordCheckAt.POLICY, BreachMetrics.PasswordCheck.valueOf(v.result().name()));
            return switch (v.result()) {
                case BREACHED -> new PolicyError(MESSAGE);
                case UNAVAILABLE -> settings.failClosed() ? new PolicyError(UNAVAILABLE_MESSAGE) : null;
                case CLEAN -> null;
            };
        }

        @Override
        public PolicyError validate(String username, String password) {
            RealmModel realm = session.getContext().getRealm();
            return realm == null ? null : validate(realm, null, password);
        }

        @Override
        public Object parseConfig(String value) {
            int min;
            try {
                min = value == null || value.isBlank() ? 1 : Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new PasswordPolicyConfigException("breached-password takes the number of times a password must have been seen (1 or more)");
            }
            if (min < 1) {
                throw new PasswordPolicyConfigException("breached-password takes the number of times a password must have been seen (1 or more)");
            }
            return min;
        }

        @Override
        public void close() {
            // per-session object holding nothing
        }
    }

    @Override
    public String getDisplayName() {
        return "Not a breached password";
    }

    @Override
    public String getConfigType() {
        return "int";
    }

    @Override
    public String getDefaultConfigValue() {
        return "1";
    }

    @Override
    public boolean isMultiplSupported() {
        return false;
    }

    @Override
    public String getId() {
        return ID;
    }
}
