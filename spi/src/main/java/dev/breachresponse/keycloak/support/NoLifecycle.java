package dev.breachresponse.keycloak.support;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;

/** For factories that read no configuration, start nothing and hold nothing: Keycloak's lifecycle as no-ops. */
public interface NoLifecycle<T extends Provider> extends ProviderFactory<T> {

    @Override
    default void init(Config.Scope config) {
        // nothing to read
    }

    @Override
    default void postInit(KeycloakSessionFactory factory) {
        // nothing to start
    }

    @Override
    default void close() {
        // nothing to stop
    }
}
