package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A flagged user who signs in through an identity provider meets the same enforcement: setup gives every
 * identity provider the breach post-broker-login flow. The provider is a second realm of the same server.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BrokerEnforcementIT extends LoginTestBase {

    static final String IDP = "corp-idp";

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    String idpRealm;

    @BeforeEach
    void identityProvider() {
        idpRealm = IdentityProviders.upstreamRealm(admin, realm, IDP);
        IdentityProviders.register(realm, IDP, idpRealm);
    }

    @AfterEach
    void removeIdpRealm() {
        admin.realm(idpRealm).remove();
    }

    void brokerLogin() {
        oauth.openLoginForm();
        IdentityProviders.login(driver, IDP);
    }

    @Test
    void aFlaggedUserSigningInThroughAnIdentityProviderMustStepUp() {
        JsonNode setup = fx.setup();
        assertTrue(setup.toString().contains("post-broker-login flow of identity provider '" + IDP + "'"), setup.toString());
        fx.incident("leak", "Vendor leak", "[\"email\"]", null);

        // first login through the provider links eve: she is not flagged yet, so nothing is asked
        brokerLogin();
        assertTrue(oauth.parseLoginResponse().getCode() != null, pages.pageText());
        fx.flag("leak", "eve");
        IdentityProviders.forgetSessions(driver, realm.getName(), idpRealm);

        brokerLogin();
        assertTrue(pages.onPage("breach-notice"), "the breach notice after the provider login: " + pages.pageText());
        assertFalse(driver.getCurrentUrl().contains("code="), pages.pageText());
        JsonNode flag = fx.flagOf("leak", "eve");
        assertEquals("FLAGGED", flag.get("state").asText());
    }
}
