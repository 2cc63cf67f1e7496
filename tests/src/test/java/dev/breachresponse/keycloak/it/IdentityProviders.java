package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;

/**
 * An upstream OpenID provider for broker tests: a second realm of the same server with user {@code eve} and a
 * confidential client {@code broker}, registered in the realm under test as an OIDC identity provider.
 */
final class IdentityProviders {

    private IdentityProviders() {
    }

    /** Creates the upstream realm (its name is returned; remove it after the test) with user eve. */
    static String upstreamRealm(Keycloak admin, ManagedRealm realm, String alias) {
        String upstream = Realms.newName("idp");
        ClientRepresentation broker = new ClientRepresentation();
        broker.setClientId("broker");
        broker.setSecret("broker-secret");
        broker.setRedirectUris(List.of("http://localhost:8080/realms/" + realm.getName() + "/broker/" + alias + "/endpoint*"));
        broker.setStandardFlowEnabled(true);
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(upstream);
        r.setEnabled(true);
        r.setUsers(List.of(Realms.user(null, "eve")));
        r.setClients(List.of(broker));
        admin.realms().create(r);
        return upstream;
    }

    /** Registers {@code upstream} as OIDC identity provider {@code alias} of {@code realm}. */
    static void register(ManagedRealm realm, String alias, String upstream) {
        String base = "http://localhost:8080/realms/" + upstream + "/protocol/openid-connect";
        IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
        idp.setAlias(alias);
        idp.setProviderId("oidc");
        idp.setEnabled(true);
        idp.setConfig(new HashMap<>(Map.of(
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

    /** On the realm's login page: the provider's button, eve's upstream password, and the first-login profile review. */
    static void login(ManagedWebDriver driver, String alias) {
        driver.findElement(By.id("social-" + alias)).click();
        driver.findElement(By.id("username")).sendKeys("eve");
        driver.findElement(By.id("password")).sendKeys(Realms.PASSWORD);
        driver.findElement(By.id("kc-login")).click();
        if (!driver.driver().findElements(By.id("kc-update-profile-form")).isEmpty()) {
            driver.findElement(By.cssSelector("#kc-update-profile-form button[type=submit], #kc-update-profile-form input[type=submit]")).click();
        }
    }

    /** A new browser: no SSO session in any of the realms (Keycloak's cookies are scoped to /realms/{realm}/). */
    static void forgetSessions(ManagedWebDriver driver, String... realms) {
        for (String r : realms) {
            driver.open("http://localhost:8080/realms/" + r + "/.well-known/openid-configuration");
            driver.driver().manage().deleteAllCookies();
        }
    }
}
