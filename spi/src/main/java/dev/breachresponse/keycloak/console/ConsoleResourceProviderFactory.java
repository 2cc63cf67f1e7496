package dev.breachresponse.keycloak.console;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Mounts the incident console at {@code /realms/{realm}/breach-response/console/} (SPI {@code realm-restapi-extension},
 * provider {@value #ID}): its page, scripts, styles and texts come from the jar ({@link ConsoleFiles}). No data is
 * served here; the page signs in with Keycloak and calls the admin API, which checks the rights.
 */
public final class ConsoleResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String ID = "breach-response";

    /**
     * A provider per session, distinct from the factory: Keycloak closes providers after every request, so the factory
     * must never hand out itself.
     */
    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new ConsoleResource(session);
            }

            @Override
            public void close() {
                // per request: nothing to release
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        // no options
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to start
    }

    @Override
    public void close() {
        // nothing to stop
    }

    @Override
    public String getId() {
        return ID;
    }
}
