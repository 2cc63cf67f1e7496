package dev.breachresponse.keycloak.it;

import org.junit.jupiter.api.BeforeEach;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;

/**
 * What the tests that sign in through the login pages share: the framework's OAuth client (a fresh one per test),
 * browser, admin client and URLs, and before each test a {@link Fixtures} and {@link LoginPages} for them. A
 * subclass injects its own realm (its own {@code RealmConfig}) and returns it from {@link #realm()}; its own
 * {@code @BeforeEach} runs after this one, so it can use {@link #fx} and {@link #pages}.
 */
abstract class LoginTestBase {

    @InjectOAuthClient(lifecycle = LifeCycle.METHOD)
    OAuthClient oauth;

    @InjectWebDriver
    ManagedWebDriver driver;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    Fixtures fx;
    BreachApi api;
    LoginPages pages;

    /** The realm the subclass injected (with {@code @InjectRealm}). */
    abstract ManagedRealm realm();

    @BeforeEach
    void fixtures() {
        fx = new Fixtures(urls, realm(), admin);
        api = fx.api;
        pages = new LoginPages(driver.driver());
    }
}
