package dev.breachresponse.keycloak.authn;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.models.KeycloakSessionFactory;

/** Lifecycle no-ops shared by the extension's required-action factories. */
abstract class RequiredActionFactoryBase implements RequiredActionFactory {

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
