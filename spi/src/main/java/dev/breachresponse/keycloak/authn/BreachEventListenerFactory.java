package dev.breachresponse.keycloak.authn;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Global event listener (every realm, no configuration) that keeps flags in step with credential changes. */
public final class BreachEventListenerFactory implements EventListenerProviderFactory {

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

    @Override
    public void init(Config.Scope config) {
        // nothing to read
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to start
    }

    @Override
    public void close() {
        // nothing to stop
    }
}
