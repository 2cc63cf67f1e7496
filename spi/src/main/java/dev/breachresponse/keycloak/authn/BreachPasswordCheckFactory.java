package dev.breachresponse.keycloak.authn;

import java.util.List;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

import dev.breachresponse.keycloak.support.NoLifecycle;

/** Registers {@link BreachPasswordCheck}; setup places it after every REQUIRED password check of the flows it binds. */
public final class BreachPasswordCheckFactory implements AuthenticatorFactory, NoLifecycle<Authenticator> {

    public static final String ID = "breach-password-check";

    /** Keycloak's authenticators after which setup places this check: they verify a typed password. */
    public static final List<String> AFTER = List.of("auth-username-password-form", "auth-password-form", "direct-grant-validate-password");

    private static final Requirement[] CHOICES = {Requirement.REQUIRED, Requirement.DISABLED};

    @Override
    public Authenticator create(KeycloakSession session) {
        return BreachPasswordCheck.INSTANCE;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Breached password check";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public String getHelpText() {
        return "Place right after a password form: a password found in the realm's breach sources flags the user (Breach Response realm settings, breachedPasswords). Never asks the user anything.";
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return CHOICES;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }
}
