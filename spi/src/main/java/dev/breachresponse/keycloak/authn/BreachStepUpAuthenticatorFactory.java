package dev.breachresponse.keycloak.authn;

import java.util.List;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import dev.breachresponse.keycloak.support.NoLifecycle;

/**
 * "Breach step-up MFA": place it in a conditional sub-flow after "Condition - breach flagged", after the
 * sub-flow that identifies the user (cookie, IdP redirector, forms), so that SSO-cookie logins step up too.
 * {@code POST .../breach-response/setup} builds exactly that.
 */
public final class BreachStepUpAuthenticatorFactory implements AuthenticatorFactory, NoLifecycle<Authenticator> {

    public static final String ID = "breach-step-up";

    /** The amr value setup configures on this execution (Keycloak's oidc-amr-mapper reads it). */
    public static final String AMR_VALUE = "mfa";

    /**
     * Seconds the amr value stays valid after the step-up. Keycloak keeps it only while
     * {@code completion + maxAge >= now}, so 0 would drop it whenever the token is issued a second later (the
     * breach notice page sits between the step-up and the code exchange).
     */
    public static final String AMR_MAX_AGE = "300";

    private static final Requirement[] CHOICES = {Requirement.REQUIRED, Requirement.DISABLED};

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(Constants.AUTHENTICATION_EXECUTION_REFERENCE_VALUE).type(ProviderConfigProperty.STRING_TYPE)
            .label("Authentication reference (amr)").defaultValue(AMR_VALUE)
            .helpText("Value Keycloak's 'Authentication Method Reference (AMR)' mapper puts in the amr claim when this step-up passed a factor.").add()
            .property().name(Constants.AUTHENTICATION_EXECUTION_REFERENCE_MAX_AGE).type(ProviderConfigProperty.STRING_TYPE)
            .label("Authentication reference max age").defaultValue(AMR_MAX_AGE)
            .helpText("Seconds after the step-up during which tokens carry the amr value (Keycloak drops it once this age is passed).").add()
            .build();

    @Override
    public Authenticator create(KeycloakSession session) {
        return new BreachStepUpAuthenticator();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Breach step-up MFA";
    }

    @Override
    public String getReferenceCategory() {
        return "breach-step-up";
    }

    @Override
    public String getHelpText() {
        return "A flagged user passes a second factor they have (WebAuthn, OTP, recovery codes via Keycloak's own forms) or enrols one first. Never email or SMS codes.";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return CHOICES;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return true;
    }
}
