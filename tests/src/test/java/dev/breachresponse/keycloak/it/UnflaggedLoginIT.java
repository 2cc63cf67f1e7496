package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;

/**
 * Login skips the flag table for a user it found unflagged (a mark kept with Keycloak's cached user); every way a
 * flag of that user comes into being or opens again afterwards is enforced at the very next login: a flag set
 * through the admin API, a dismissed flag set again, a bulk job. The incident revokes no sessions, so no not-before
 * update evicts the user from Keycloak's cache on the side: only the store's own eviction makes these logins meet
 * the step-up; the token claim, which reads the mark too, says {@code flagged} on a refresh after the flag. Each user
 * signs in twice before the flag, the second time through the mark. (Across two nodes:
 * {@code ClusterReminderIT}.)
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class UnflaggedLoginIT {

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @InjectOAuthClient(lifecycle = LifeCycle.METHOD)
    OAuthClient oauth;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    BreachApi api;

    @BeforeEach
    void setUp() {
        api = new BreachApi(urls.getBase(), realm.getName(), () -> admin.tokenManager().getAccessTokenString());
        assertEquals(200, api.post("/setup", null, "").status());
        BreachApi.Reply r = api.postJson("/incidents", "{\"id\":\"quiet\",\"title\":\"Vendor leak\",\"exposedData\":[\"email\"],"
                + "\"policy\":{\"revokeSessions\":false}}");
        assertEquals(201, r.status(), r.toString());
    }

    @Test
    void aFlagWrittenAfterAnUnflaggedLoginIsEnforcedAtTheNextLogin() {
        String alice = userId("alice");
        signsInTwice("alice");
        BreachApi.Reply flagged = api.put("/incidents/quiet/flags/" + alice);
        assertEquals(201, flagged.status(), flagged.toString());
        assertEquals(0, flagged.json().get("sessionsRevoked").asInt(), "nothing evicted the user on the side");
        steppedUp("alice");

        BreachApi.Reply dismissed = api.postJson("/incidents/quiet/flags/" + alice + "/dismissal", "{\"reason\":\"false positive\"}");
        assertEquals(200, dismissed.status(), dismissed.toString());
        signsInTwice("alice");
        BreachApi.Reply again = api.put("/incidents/quiet/flags/" + alice);
        assertEquals(201, again.status(), again.toString());
        assertEquals("REFLAGGED", again.json().get("outcome").asText());
        steppedUp("alice");

        // the token claim reads the same mark: a refresh after the flag (the incident revokes no session) says flagged
        AccessTokenResponse bobs = null;
        for (int i = 0; i < 2; i++) {
            bobs = DirectGrants.assertToken(oauth, "bob");
            assertEquals(Map.of("flagged", false, "remediated", false), claim(bobs.getAccessToken()));
        }
        String job = api.postJson("/incidents/quiet/flags", "{\"subjects\":[{\"username\":\"bob\"}]}").json().get("id").asText();
        assertEquals("SUCCEEDED", api.awaitJob(job, Duration.ofMinutes(1)).get("state").asText());
        steppedUp("bob");
        AccessTokenResponse refreshed = oauth.doRefreshTokenRequest(bobs.getRefreshToken());
        assertEquals(200, refreshed.getStatusCode(), "the session was not revoked: " + refreshed.getError());
        assertEquals(Map.of("flagged", true, "remediated", false), claim(refreshed.getAccessToken()));
        // a user nobody flagged keeps signing in
        signsInTwice("dave");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> claim(String accessToken) {
        return (Map<String, Object>) oauth.verifyToken(accessToken).getOtherClaims().get("breach_response");
    }

    String userId(String username) {
        return realm.admin().users().searchByUsername(username, true).get(0).getId();
    }

    void signsInTwice(String username) {
        DirectGrants.assertToken(oauth, username);
        DirectGrants.assertToken(oauth, username);
    }

    void steppedUp(String username) {
        DirectGrants.assertSteppedUp(oauth, username);
    }
}
