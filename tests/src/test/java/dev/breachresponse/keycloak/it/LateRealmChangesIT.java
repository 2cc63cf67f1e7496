package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The realm changes after setup, and a flagged user must still never get a code or a token without the breach
 * step-up: an identity provider added later, the browser flow rebound to Keycloak's own, a client's direct-grant
 * override (the backstop refuses; setup status names the gap and counts the refusals); and a second factor that
 * disappears after remediation, removed by an admin or without any event (the flag re-opens).
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class LateRealmChangesIT extends LoginTestBase {

    static final String LATE_IDP = "late";
    static final String GAP_TEXT = "this way of signing in does not offer that check";

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    @BeforeEach
    void setUp() {
        fx.setup();
        fx.incident("leak", "Vendor leak", "[\"email\"]", null);
        assertTrue(status().get("enforcedEverywhere").asBoolean(), "right after setup: " + status());
    }

    // --- helpers -------------------------------------------------------------------------------------------

    JsonNode status() {
        BreachApi.Reply r = api.get("/setup");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    JsonNode gap(String kind, String name) {
        for (JsonNode g : status().get("gaps")) {
            if (kind.equals(g.get("kind").asText()) && name.equals(g.get("name").asText())) {
                return g;
            }
        }
        return null;
    }

    void flag(String username) {
        fx.flag("leak", username);
    }

    JsonNode flagOf(String username) {
        return fx.flagOf("leak", username);
    }

    JsonNode lastHistory(String username) {
        JsonNode history = flagOf(username).get("history");
        return history.get(history.size() - 1);
    }

    void assertRefused() {
        String page = pages.pageText();
        assertTrue(page.contains(GAP_TEXT), "the backstop's page: " + page);
        assertNoCode();
    }

    /** Still on Keycloak's login pages: no redirect to the client with a code. */
    void assertNoCode() {
        assertTrue(driver.getCurrentUrl().contains("/login-actions/") && !driver.getCurrentUrl().contains("code="),
                "no authorization code: " + pages.pageText());
    }

    String carolCode(int step) {
        return Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), step);
    }

    /** carol (OTP) passes the realm's OTP form; the breach step-up takes it; the notice; a code: REMEDIATED. */
    void carolRemediates() {
        flag("carol");
        oauth.openLoginForm();
        pages.submitPassword("carol");
        pages.submitOtp(carolCode(0));
        pages.continueNotice();
        assertTrue(oauth.parseLoginResponse().getCode() != null, pages.pageText());
        assertEquals("REMEDIATED", flagOf("carol").get("state").asText());
    }

    // --- entry points changed after setup ------------------------------------------------------------------

    @Test
    void anIdentityProviderAddedAfterSetupIsRefusedUntilSetupRunsAgain() {
        String upstream = IdentityProviders.upstreamRealm(admin, realm, LATE_IDP);
        try {
            IdentityProviders.register(realm, LATE_IDP, upstream);
            JsonNode g = gap("identity-provider", LATE_IDP);
            assertTrue(g != null && !g.get("covered").asBoolean(), "setup status names the new provider: " + status());
            assertFalse(status().get("enforcedEverywhere").asBoolean());

            // eve links her account through the provider while unflagged: the backstop stays out of the way
            oauth.openLoginForm();
            IdentityProviders.login(driver, LATE_IDP);
            assertTrue(oauth.parseLoginResponse().getCode() != null, pages.pageText());

            flag("eve");
            IdentityProviders.forgetSessions(driver, realm.getName(), upstream);
            oauth.openLoginForm();
            IdentityProviders.login(driver, LATE_IDP);
            assertRefused();
            assertEquals("FLAGGED", flagOf("eve").get("state").asText());
            JsonNode refused = status().get("refusedLogins");
            assertEquals(1, refused.size(), refused.toString());
            assertTrue(refused.get(0).get("path").asText().contains("idp=" + LATE_IDP), refused.toString());
            assertEquals(1, refused.get(0).get("refused").asLong());

            // setup again gives the provider the breach post-broker-login flow: eve now meets the step-up
            BreachApi.Reply again = api.post("/setup", null, "");
            assertTrue(again.body().contains("identity provider '" + LATE_IDP + "'"), again.toString());
            assertTrue(status().get("enforcedEverywhere").asBoolean(), status().toString());
            IdentityProviders.forgetSessions(driver, realm.getName(), upstream);
            oauth.openLoginForm();
            IdentityProviders.login(driver, LATE_IDP);
            assertTrue(pages.onPage("breach-notice"), "the step-up after the provider login: " + pages.pageText());
            assertNoCode();
        } finally {
            admin.realm(upstream).remove();
        }
    }

    @Test
    void aBrowserFlowReboundToKeycloaksOwnRefusesFlaggedUsersOnly() {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setBrowserFlow("browser");
        realm.admin().update(rep);
        assertEquals("browser", gap("flow-binding", "browser").get("flow").asText(), status().toString());

        oauth.openLoginForm();
        pages.submitPassword("alice");
        assertTrue(oauth.parseLoginResponse().getCode() != null, "an unflagged user is not affected: " + pages.pageText());

        flag("bob");
        IdentityProviders.forgetSessions(driver, realm.getName());
        oauth.openLoginForm();
        pages.submitPassword("bob");
        assertRefused();
        // the page does not go away on a reload or a second submit
        driver.driver().navigate().refresh();
        assertRefused();

        List<EventRepresentation> errors = realm.admin().getEvents(List.of("LOGIN_ERROR"), null, fx.userId("bob"), null, null, null, 0, 10);
        assertTrue(errors.stream().anyMatch(e -> "breach_enforcement_gap".equals(e.getError())
                && e.getDetails().get("breach_path").startsWith("authenticate client=")), String.valueOf(errors));
        JsonNode refused = status().get("refusedLogins");
        assertEquals(1, refused.get(0).get("refused").asLong(), "one login, counted once: " + refused);
    }

    @Test
    void aDisabledStepUpIsNotCoveredAndTheBackstopRefuses() {
        String browserFlow = realm.admin().toRepresentation().getBrowserFlow();
        // an admin switches the breach step-up sub-flow off (e.g. to let people in during an outage)
        var subFlow = realm.admin().flows().getExecutions(browserFlow).stream()
                .filter(e -> Boolean.TRUE.equals(e.getAuthenticationFlow()) && e.getDisplayName().endsWith("breach step-up"))
                .findFirst().orElseThrow();
        subFlow.setRequirement("DISABLED");
        realm.admin().flows().updateExecutions(browserFlow, subFlow);
        assertTrue(gap("flow-binding", "browser") != null, "a disabled step-up is no step-up: " + status());

        flag("bob");
        oauth.openLoginForm();
        pages.submitPassword("bob");
        assertRefused();
    }

    @Test
    void aClientDirectGrantOverrideRefusesFlaggedUsersWithAnOAuthError() {
        ClientRepresentation client = realm.admin().clients().findByClientId(oauth.config().getClientId()).get(0);
        String builtIn = realm.admin().flows().getFlows().stream().filter(f -> "direct grant".equals(f.getAlias())).findFirst().orElseThrow().getId();
        client.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", builtIn));
        client.setDirectAccessGrantsEnabled(true);
        realm.admin().clients().get(client.getId()).update(client);
        JsonNode g = gap("client-override", client.getClientId() + "/direct_grant");
        assertTrue(g != null, status().toString());

        assertEquals(200, oauth.doPasswordGrantRequest("alice", Realms.PASSWORD).getStatusCode());
        flag("carol");
        // carol has OTP, but Keycloak's own direct-grant flow does not ask for it: the backstop refuses
        AccessTokenResponse denied = oauth.passwordGrantRequest("carol", Realms.PASSWORD).otp(carolCode(0)).send();
        assertEquals(400, denied.getStatusCode());
        assertEquals("invalid_grant", denied.getError());
        assertTrue(status().get("refusedLogins").get(0).get("path").asText().startsWith("direct-grant client=" + client.getClientId()),
                status().toString());
        assertEquals("FLAGGED", flagOf("carol").get("state").asText());
    }

    // --- a factor that disappears after remediation --------------------------------------------------------

    @Test
    void anAdminRemovingTheLastFactorReopensTheFlag() {
        carolRemediates();
        String carol = fx.userId("carol");
        CredentialRepresentation otp = realm.admin().users().get(carol).credentials().stream()
                .filter(c -> "otp".equals(c.getType())).findFirst().orElseThrow();
        realm.admin().users().get(carol).removeCredential(otp.getId());

        JsonNode f = flagOf("carol");
        assertEquals("FLAGGED", f.get("state").asText(), "re-opened at once: " + f);
        JsonNode last = lastHistory("carol");
        assertEquals("factor-removed", last.get("cause").asText(), last.toString());
        assertEquals("ADMIN", last.get("actor").get("type").asText(), last.toString());

        // the next login asks carol to enrol a factor again
        IdentityProviders.forgetSessions(driver, realm.getName());
        oauth.openLoginForm();
        pages.submitPassword("carol");
        assertTrue(pages.onPage("breach-notice"), pages.pageText());
        assertNoCode();
    }

    @Test
    void aFactorGoneWithoutAnyEventIsNoticedAtLogin() throws Exception {
        carolRemediates();
        String carol = fx.userId("carol");
        HttpResponse<String> removed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                urls.getBase() + "/realms/" + realm.getName() + "/br-test-silent/users/" + carol + "/credentials/otp")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, removed.statusCode(), removed.body());
        assertTrue(realm.admin().users().get(carol).credentials().stream().noneMatch(c -> "otp".equals(c.getType())));
        assertEquals("REMEDIATED", flagOf("carol").get("state").asText(), "no event told anyone");

        IdentityProviders.forgetSessions(driver, realm.getName());
        oauth.openLoginForm();
        pages.submitPassword("carol");
        assertTrue(pages.onPage("breach-notice"), "login notices the missing factor: " + pages.pageText());
        assertNoCode();
        assertEquals("FLAGGED", flagOf("carol").get("state").asText());
        JsonNode last = lastHistory("carol");
        assertEquals("factor-removed", last.get("cause").asText(), last.toString());
        assertEquals("no allowed factor at login", last.get("detail").asText(), last.toString());
        assertEquals("SYSTEM", last.get("actor").get("type").asText(), last.toString());
    }
}
