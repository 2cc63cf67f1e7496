package dev.breachresponse.keycloak.workflow;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.workflow.WorkflowEventProvider;
import org.keycloak.models.workflow.WorkflowEventProviderFactory;

/**
 * The Keycloak Workflows event {@value #ID} (SPI {@code workflow-event}, internal, Keycloak 26.7+): a user got a new
 * or re-opened breach flag. In a workflow, {@code "on": "breach-flagged"} reacts to every incident,
 * {@code "on": "breach-flagged(<incident key>)"} to one. Fired by {@link dev.breachresponse.keycloak.incident.Flagging}
 * through {@link dev.breachresponse.keycloak.incident.BreachFlagged}; the workflow's steps run after the flag commits.
 * Keycloak's workflow SPIs are internal and changed between 26.4, 26.5 and 26.7: this provider is compiled against
 * 26.7.0 and switches itself off on any other line (docs/workflows.md).
 */
public final class BreachFlaggedWorkflowEventFactory implements WorkflowEventProviderFactory<WorkflowEventProvider> {

    public static final String ID = "breach-flagged";

    @Override
    public WorkflowEventProvider create(KeycloakSession session, String configParameter) {
        return new BreachFlaggedWorkflowEvent(session, configParameter, ID);
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
