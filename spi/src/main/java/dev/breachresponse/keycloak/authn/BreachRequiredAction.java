package dev.breachresponse.keycloak.authn;

import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;

/**
 * What the breach required actions share: only login enforcement queues them (on the authentication session),
 * so they have no triggers and cannot be started by an application (kc_action); they hold nothing.
 */
abstract class BreachRequiredAction implements RequiredActionProvider {

    @Override
    public final InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.NOT_SUPPORTED;
    }

    @Override
    public final void evaluateTriggers(RequiredActionContext context) {
        // queued by the step-up, never triggered on their own
    }

    @Override
    public final void close() {
        // nothing held
    }
}
