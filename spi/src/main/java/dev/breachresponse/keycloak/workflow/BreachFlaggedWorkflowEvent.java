package dev.breachresponse.keycloak.workflow;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.workflow.AbstractWorkflowEventProvider;
import org.keycloak.models.workflow.ResourceType;
import org.keycloak.models.workflow.WorkflowEvent;
import org.keycloak.models.workflow.WorkflowExecutionContext;
import org.keycloak.provider.ProviderEvent;

import dev.breachresponse.keycloak.incident.BreachFlagged;

/**
 * {@code breach-flagged}, or {@code breach-flagged(<incident key>)}: matches a {@link BreachFlagged} (of that incident,
 * when one is named); the workflow's resource is the flagged user.
 */
final class BreachFlaggedWorkflowEvent extends AbstractWorkflowEventProvider {

    BreachFlaggedWorkflowEvent(KeycloakSession session, String configParameter, String providerId) {
        super(session, configParameter, providerId);
    }

    @Override
    public ResourceType getSupportedResourceType() {
        return ResourceType.USERS;
    }

    @Override
    public boolean supports(ProviderEvent event) {
        return event instanceof BreachFlagged;
    }

    @Override
    protected String resolveResourceId(ProviderEvent event) {
        return ((BreachFlagged) event).userId();
    }

    @Override
    public boolean evaluate(WorkflowExecutionContext context) {
        if (!super.evaluate(context)) {
            return false;
        }
        if (configParameter == null || configParameter.isBlank()) {
            return true;
        }
        WorkflowEvent event = context.getEvent();
        return event.getEvent() instanceof BreachFlagged flagged && configParameter.strip().equals(flagged.incident().value());
    }
}
