package dev.breachresponse.keycloak.authn;

import java.util.List;
import java.util.Set;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.Constants;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.support.NoLifecycle;

/** "Condition - breach flagged": guards a sub-flow (the breach step-up) in any flow. */
public final class BreachFlaggedConditionFactory implements ConditionalAuthenticatorFactory, NoLifecycle<Authenticator> {

    public static final String ID = "conditional-breach-flagged";

    private static final Requirement[] CHOICES = {Requirement.REQUIRED, Requirement.DISABLED};

    /** The open states of {@link FlagState#OPEN}, in declaration order: the only states the condition may count. */
    private static final List<String> OPEN_STATES = FlagState.OPEN.stream().map(Enum::name).toList();

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(BreachFlaggedConditionConfig.INCIDENTS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .label("Incidents").helpText("Incident ids whose flags count. Empty: every incident of the realm.").add()
            .property().name(BreachFlaggedConditionConfig.STATES).type(ProviderConfigProperty.MULTIVALUED_LIST_TYPE)
            .label("Flag states").options(OPEN_STATES).defaultValue(String.join(Constants.CFG_DELIMITER, OPEN_STATES))
            .helpText("Which open flag states count. Default: both (a STEPPED_UP flag still waits for a password change).").add()
            .property().name(BreachFlaggedConditionConfig.NEGATE).type(ProviderConfigProperty.BOOLEAN_TYPE)
            .label("Negate output").defaultValue("false")
            .helpText("True: the condition holds when the user has NO such flag. A flag store that cannot be read still counts as flagged.").add()
            .build();

    /**
     * The incident keys the condition's config limits it to (empty: every incident of the realm), as the condition
     * itself reads them ({@link BreachFlaggedConditionConfig}); {@code config} may be null.
     */
    public static Set<String> incidentsOf(AuthenticatorConfigModel config) {
        return BreachFlaggedConditionConfig.from(config).incidents();
    }

    /** Whether the condition's config inverts it ({@code negate}); {@code config} may be null (not negated). */
    public static boolean negated(AuthenticatorConfigModel config) {
        return BreachFlaggedConditionConfig.from(config).negate();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Condition - breach flagged";
    }

    @Override
    public String getHelpText() {
        return "Holds when the user carries an open flag of a breach incident (Breach Response). Fails closed: an unreadable flag store counts as flagged.";
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
        return false;
    }

    @Override
    public ConditionalAuthenticator getSingleton() {
        return BreachFlaggedCondition.INSTANCE;
    }
}
