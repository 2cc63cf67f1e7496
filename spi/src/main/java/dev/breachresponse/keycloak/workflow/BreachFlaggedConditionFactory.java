package dev.breachresponse.keycloak.workflow;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.workflow.WorkflowConditionProvider;
import org.keycloak.models.workflow.WorkflowConditionProviderFactory;

/**
 * The Keycloak Workflows condition {@value #ID} (SPI {@code workflow-condition}, internal, Keycloak 26.7+): the user
 * has an open breach flag (FLAGGED or STEPPED_UP) in any incident, or in the one named:
 * {@code "if": "is-breach-flagged"} or {@code "if": "is-breach-flagged(<incident key>)"}. Scheduled steps check it
 * again before they run, so a user who was remediated or dismissed meanwhile drops out of the workflow.
 */
public final class BreachFlaggedConditionFactory implements WorkflowConditionProviderFactory<WorkflowConditionProvider> {

    public static final String ID = "is-breach-flagged";

    @Override
    public WorkflowConditionProvider create(KeycloakSession session, String configParameter) {
        return new BreachFlaggedCondition(session, configParameter);
    }

    @Override
    public boolean isSupported(Config.Scope config) {
        return WorkflowSupport.available();
    }

    @Override
    public String getId() {
        return ID;
    }
}
