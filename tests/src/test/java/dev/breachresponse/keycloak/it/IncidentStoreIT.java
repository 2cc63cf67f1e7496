package dev.breachresponse.keycloak.it;

import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

/** The store contract on the official test framework's server; runs on H2, PostgreSQL and MariaDB. */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class IncidentStoreIT extends IncidentStoreContract {

    @InjectAdminClient
    Keycloak frameworkAdmin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @Override
    Keycloak admin() {
        return frameworkAdmin;
    }

    @Override
    String baseUrl() {
        return urls.getBase();
    }
}
