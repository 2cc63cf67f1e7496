package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.info.ProviderRepresentation;
import org.keycloak.representations.info.ServerInfoRepresentation;
import org.keycloak.representations.info.SpiInfoRepresentation;
import org.keycloak.representations.info.ThemeInfoRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** The built jar loads: its SPI, providers, version and themes show in /admin/serverinfo. */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class ServerInfoIT {

    @InjectAdminClient
    Keycloak admin;

    @Test
    void providersOfTheJarAppearWithTheBuildVersion() {
        ServerInfoRepresentation info = admin.serverInfo().getInfo();
        Map<String, SpiInfoRepresentation> spis = info.getProviders();

        ProviderRepresentation store = provider(spis, "breach-incident-store", "jpa");
        ProviderRepresentation api = provider(spis, "admin-realm-restapi-extension", "breach-response");
        ProviderRepresentation entities = provider(spis, "jpa-entity-provider", "breach-response");

        String expected = System.getProperty("br.version");
        assertNotNull(expected, "failsafe passes br.version");
        for (ProviderRepresentation p : new ProviderRepresentation[] {store, api, entities}) {
            assertEquals(expected, p.getOperationalInfo().get("version"));
            assertEquals(System.getProperty("br.keycloak.version"), p.getOperationalInfo().get("keycloakVersionBuiltAgainst"));
        }
        assertEquals(System.getProperty("br.keycloak.version"), info.getSystemInfo().getVersion(),
                "tests run the Keycloak version the jar is compiled against");
    }

    @Test
    void runsOnTheDatabaseThisExecutionAsksFor() {
        SpiInfoRepresentation jpa = admin.serverInfo().getInfo().getProviders().get("connectionsJpa");
        String product = jpa.getProviders().values().stream()
                .map(p -> p.getOperationalInfo() == null ? null : p.getOperationalInfo().get("databaseProduct"))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no databaseProduct in " + jpa.getProviders().keySet()));
        String expected = switch (System.getProperty("br.it.db", "h2")) {
            case "postgres" -> "PostgreSQL";
            case "mariadb" -> "MariaDB";
            default -> "H2";
        };
        assertTrue(product.startsWith(expected) || product.contains(expected), "database product " + product + ", expected " + expected);
    }

    @Test
    void themesOfTheJarAreListed() {
        Map<String, java.util.List<ThemeInfoRepresentation>> themes = admin.serverInfo().getInfo().getThemes();
        assertTrue(themes.get("login").stream().anyMatch(t -> t.getName().equals("breach-response")), "login theme");
        assertTrue(themes.get("email").stream().anyMatch(t -> t.getName().equals("breach-response")), "email theme");
    }

    private static ProviderRepresentation provider(Map<String, SpiInfoRepresentation> spis, String spi, String id) {
        SpiInfoRepresentation s = spis.get(spi);
        assertNotNull(s, "SPI " + spi + " is loaded");
        ProviderRepresentation p = s.getProviders().get(id);
        assertNotNull(p, "provider " + id + " of SPI " + spi + " is loaded; have " + s.getProviders().keySet());
        return p;
    }
}
