package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
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
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.openqa.selenium.By;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The options of the "Condition - breach flagged" execution, set as an admin sets them (the authentication
 * execution config of the condition that {@code POST .../breach-response/setup} put in the realm's flows), on real
 * logins: the browser flow (HtmlUnit) and the direct grant, which both run the condition. {@code incidents} limits
 * which incidents' flags count, {@code states} which open states, {@code negate} inverts the condition; a value the
 * condition cannot use never scopes a flagged user out.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BreachConditionOptionsIT {

    static final String CONDITION = "conditional-breach-flagged";

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

    BreachApi api;

    @BeforeEach
    void setUp() {
        api = new BreachApi(urls.getBase(), realm.getName(), () -> admin.tokenManager().getAccessTokenString());
        BreachApi.Reply setup = api.post("/setup", null, "");
        assertEquals(200, setup.status(), setup.toString());
        assertTrue(setup.json().get("changed").asBoolean(), setup.toString());
        incident("leak", "[\"email\"]");
        incident("canary", "[\"email\"]");
    }

    // --- helpers -------------------------------------------------------------------------------------------

    void incident(String id, String exposed) {
        BreachApi.Reply r = api.postJson("/incidents", "{\"id\":\"" + id + "\",\"title\":\"Vendor leak " + id
                + "\",\"exposedData\":" + exposed + "}");
        assertEquals(201, r.status(), r.toString());
    }

    String userId(String username) {
        return realm.admin().users().searchByUsername(username, true).get(0).getId();
    }

    void flag(String incident, String username) {
        BreachApi.Reply r = api.put("/incidents/" + incident + "/flags/" + userId(username));
        assertEquals(201, r.status(), r.toString());
    }

    String flagState(String incident, String username) {
        BreachApi.Reply r = api.get("/incidents/" + incident + "/flags/" + userId(username));
        assertEquals(200, r.status(), r.toString());
        return r.json().get("state").asText();
    }

    /**
     * Gives every "Condition - breach flagged" execution of the realm's flows (browser, direct grant, reset
     * credentials, ...) this config, through the admin API an admin console uses. Returns how many it configured.
     */
    int configureCondition(Map<String, String> config) {
        int n = 0;
        for (AuthenticationFlowRepresentation flow : realm.admin().flows().getFlows()) {
            for (AuthenticationExecutionInfoRepresentation e : realm.admin().flows().getExecutions(flow.getAlias())) {
                if (!CONDITION.equals(e.getProviderId())) {
                    continue;
                }
                assertEquals(null, e.getAuthenticationConfig(), "setup leaves the condition unconfigured");
                AuthenticatorConfigRepresentation c = new AuthenticatorConfigRepresentation();
                c.setAlias("breach condition " + n);
                c.setConfig(config);
                try (Response r = realm.admin().flows().newExecutionConfig(e.getId(), c)) {
                    assertEquals(201, r.getStatus(), "configuring the condition in " + flow.getAlias());
                }
                n++;
            }
        }
        assertTrue(n >= 2, "the condition runs in the browser and the direct-grant flows: " + n);
        return n;
    }

    /** A password grant (Keycloak's direct-grant flow, which runs the condition too). */
    AccessTokenResponse directGrant(String username) {
        return oauth.doPasswordGrantRequest(username, Realms.PASSWORD);
    }

    void assertSteppedUpByDirectGrant(String username) {
        DirectGrants.assertSteppedUp(oauth, username);
    }

    void assertTokenByDirectGrant(String username) {
        DirectGrants.assertToken(oauth, username);
    }

    boolean onPage(String id) {
        return !driver.driver().findElements(By.id(id)).isEmpty();
    }

    String pageText() {
        return driver.getCurrentUrl() + "\n" + driver.findElement(By.tagName("body")).getText();
    }

    /** A fresh browser at the login form; the password submitted. */
    void browserPassword(String username) {
        IdentityProviders.forgetSessions(driver, realm.getName());
        oauth.openLoginForm();
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(Realms.PASSWORD);
        driver.findElement(By.id("kc-login")).click();
    }

    void submitOtp(String code) {
        assertTrue(onPage("otp"), "expected the OTP form, got: " + pageText());
        driver.findElement(By.id("otp")).sendKeys(code);
        driver.findElement(By.id("kc-login")).click();
    }

    boolean gotACode() {
        return driver.getCurrentUrl().contains("code=");
    }

    String carolCode(int step) {
        return Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), step);
    }

    // --- incidents -----------------------------------------------------------------------------------------

    @Test
    void aFlagInAnIncidentNotListedDoesNotStepUp() {
        flag("leak", "bob");
        assertSteppedUpByDirectGrant("bob"); // unconfigured: every incident counts
        configureCondition(Map.of("incidents", "canary"));

        assertTokenByDirectGrant("bob");
        browserPassword("bob");
        assertTrue(gotACode(), "the browser flow lets bob in too (no breach notice, no backstop refusal): " + pageText());
        assertFalse(onPage("breach-notice"));
        assertEquals("FLAGGED", flagState("leak", "bob"), "scoping out is no remediation");
    }

    @Test
    void setupStatusReportsAConditionLimitedToIncidentsThatDoNotExist() {
        configureCondition(Map.of("incidents", "typo-leak"));
        JsonNode status = api.get("/setup").json();
        assertFalse(status.get("enforcedEverywhere").asBoolean(), status.toString());
        JsonNode gap = null;
        for (JsonNode g : status.get("gaps")) {
            if ("condition".equals(g.get("kind").asText())) {
                gap = g;
            }
        }
        assertNotNull(gap, "a gap of kind condition: " + status);
        assertTrue(gap.get("detail").asText().contains("[typo-leak]"), gap.toString());

        // once the named incident exists, the condition can hold again and is no gap
        incident("typo-leak", "[\"email\"]");
        JsonNode after = api.get("/setup").json();
        for (JsonNode g : after.get("gaps")) {
            assertFalse("condition".equals(g.get("kind").asText()), "no condition gap any more: " + after);
        }
    }

    @Test
    void aNegatedConditionNamingNoIncidentIsNoGap() {
        // negated, it holds for everyone without a flag in typo-leak, i.e. for every flagged user: the step-up runs
        configureCondition(Map.of("incidents", "typo-leak", "negate", "true"));
        JsonNode status = api.get("/setup").json();
        for (JsonNode g : status.get("gaps")) {
            assertFalse("condition".equals(g.get("kind").asText()), "a negated condition is no gap: " + status);
        }
        flag("leak", "bob");
        assertSteppedUpByDirectGrant("bob");
    }

    @Test
    void aFlagInAListedIncidentStepsUp() {
        // Keycloak stores a multivalued option as "a##b": the second value must count as much as the first
        configureCondition(Map.of("incidents", "canary##leak"));
        flag("leak", "bob");

        assertSteppedUpByDirectGrant("bob");
        browserPassword("bob");
        assertFalse(gotACode(), "no code before the step-up");
        assertTrue(onPage("breach-notice"), "the breach notice: " + pageText());
        assertTokenByDirectGrant("alice"); // unflagged: unaffected
    }

    // --- states --------------------------------------------------------------------------------------------

    @Test
    void statesFlaggedOnlyDoesNotChallengeASteppedUpUser() {
        // the password leaked too: carol's factor moves the flag to STEPPED_UP, the password change stays owed
        incident("pw", "[\"email\",\"password\"]");
        flag("pw", "carol");
        browserPassword("carol");
        submitOtp(carolCode(0)); // the realm's own OTP step; the breach step-up counts it
        assertTrue(onPage("breach-notice"), "the step-up asks more of carol: " + pageText());
        assertFalse(gotACode());
        assertEquals("STEPPED_UP", flagState("pw", "carol"));

        configureCondition(Map.of("states", "FLAGGED"));
        browserPassword("carol");
        submitOtp(carolCode(1));
        assertTrue(gotACode(), "a STEPPED_UP flag no longer counts: carol gets her code: " + pageText());
        assertFalse(onPage("breach-notice"));
        assertEquals("STEPPED_UP", flagState("pw", "carol"));

        flag("leak", "bob");
        assertSteppedUpByDirectGrant("bob"); // FLAGGED still counts
    }

    // --- negate --------------------------------------------------------------------------------------------

    @Test
    void negateInvertsTheCondition() {
        // negated: the step-up runs for users WITHOUT a canary flag, and then enforces all their open flags
        configureCondition(Map.of("incidents", "canary", "negate", "true"));
        flag("leak", "bob");
        flag("canary", "dave");

        assertSteppedUpByDirectGrant("bob");
        browserPassword("bob");
        assertTrue(onPage("breach-notice"), "bob steps up in the browser too: " + pageText());
        assertTokenByDirectGrant("dave");
        assertEquals("FLAGGED", flagState("canary", "dave"));
    }

    @Test
    void anOptionValueTheConditionCannotUseNeverScopesAFlaggedUserOut() {
        // "yes" is no boolean (negate stays off); closed or unknown states are ignored (the open states count)
        configureCondition(Map.of("negate", "yes", "states", "REMEDIATED##DISMISSED##stale"));
        flag("leak", "bob");

        assertSteppedUpByDirectGrant("bob");
        browserPassword("bob");
        assertTrue(onPage("breach-notice"), "bob steps up in the browser too: " + pageText());
        assertTokenByDirectGrant("alice");
    }
}
