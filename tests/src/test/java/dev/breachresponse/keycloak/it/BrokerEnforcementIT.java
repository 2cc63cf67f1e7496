package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A flagged user who signs in through an identity provider meets the same enforcement: setup gives every
 * identity provider the breach post-broker-login flow. The provider is a second realm of the same server.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BrokerEnforcementIT {

    static final String IDP = "corp-idp";

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @InjectOAuthClient(lifecycle = LifeCycle.METHOD)
    OAuthClient oauth;

    @InjectWebDriver
    ManagedWebDriver driver;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String idpRealm;

    @BeforeEach
    void identityProvider() {
        idpRealm = Realms.newName("idp");
        ClientRepresentation broker = new ClientRepresentation();
        broker.setClientId("broker");
        broker.setSecret("broker-secret");
        broker.setRedirectUris(List.of("http://localhost:8080/realms/" + realm.getName() + "/broker/" + IDP + "/endpoint*"));
        broker.setStandardFlowEnabled(true);
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(idpRealm);
        r.setEnabled(true);
        r.setUsers(List.of(Realms.user(null, "eve")));
        r.setClients(List.of(broker));
        admin.realms().create(r);

        String base = "http://localhost:8080/realms/" + idpRealm + "/protocol/openid-connect";
        IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
        idp.setAlias(IDP);
        idp.setProviderId("oidc");
        idp.setEnabled(true);
        idp.setConfig(new java.util.HashMap<>(Map.of(
                "clientId", "broker",
                "clientSecret", "broker-secret",
                "clientAuthMethod", "client_secret_post",
                "authorizationUrl", base + "/auth",
                "tokenUrl", base + "/token",
                "defaultScope", "openid profile email",
                "syncMode", "IMPORT",
                "validateSignature", "false")));
        assertEquals(201, realm.admin().identityProviders().create(idp).getStatus());
    }

    @AfterEach
    void removeIdpRealm() {
        admin.realm(idpRealm).remove();
    }

    void brokerLogin() {
        oauth.openLoginForm();
        driver.findElement(By.id("social-" + IDP)).click();
        driver.findElement(By.id("username")).sendKeys("eve");
        driver.findElement(By.id("password")).sendKeys(Realms.PASSWORD);
        driver.findElement(By.id("kc-login")).click();
        if (!driver.driver().findElements(By.id("kc-update-profile-form")).isEmpty()) {
            // first broker login: review the profile the provider sent
            driver.findElement(By.cssSelector("#kc-update-profile-form button[type=submit], #kc-update-profile-form input[type=submit]")).click();
        }
    }

    String page() {
        return driver.getCurrentUrl() + "\n" + driver.findElement(By.tagName("body")).getText();
    }

    @Test
    void aFlaggedUserSigningInThroughAnIdentityProviderMustStepUp() {
        BreachApi api = new BreachApi(urls.getBase(), realm.getName(), () -> admin.tokenManager().getAccessTokenString());
        BreachApi.Reply setup = api.post("/setup", null, "");
        assertEquals(200, setup.status(), setup.toString());
        assertTrue(setup.body().contains("post-broker-login flow of identity provider '" + IDP + "'"), setup.toString());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Vendor leak\",\"exposedData\":[\"email\"]}").status());

        // first login through the provider links eve: she is not flagged yet, so nothing is asked
        brokerLogin();
        assertTrue(oauth.parseLoginResponse().getCode() != null, page());
        String eve = realm.admin().users().searchByUsername("eve", true).get(0).getId();

        BreachApi.Reply flagged = api.put("/incidents/leak/flags/" + eve);
        assertTrue(flagged.status() == 200 || flagged.status() == 201, flagged.toString());
        // a new browser: no SSO session in either realm, so the login really goes through the provider again
        // (Keycloak's cookies are scoped to /realms/{realm}/: clear them from a page of each realm)
        for (String r : List.of(realm.getName(), idpRealm)) {
            driver.open("http://localhost:8080/realms/" + r + "/.well-known/openid-configuration");
            driver.driver().manage().deleteAllCookies();
        }

        brokerLogin();
        assertTrue(!driver.driver().findElements(By.id("breach-notice")).isEmpty(), "the breach notice after the provider login: " + page());
        assertFalse(driver.getCurrentUrl().contains("code="), page());
        JsonNode flag = api.get("/incidents/leak/flags/" + eve).json();
        assertEquals("FLAGGED", flag.get("state").asText());
    }
}
