package dev.breachresponse.keycloak.authn;

import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;

import dev.breachresponse.keycloak.support.NoLifecycle;

/** Global event listener (every realm, no configuration) that keeps flags in step with credential changes. */
public final class BreachEventListenerFactory implements EventListenerProviderFactory, NoLifecycle<EventListenerProvider> {

    public static final String ID = "breach-response";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new BreachEventListener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return ID;
    }
}
