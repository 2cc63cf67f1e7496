package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;

/**
 * Password grants ({@link Realms#PASSWORD}) through the framework's OAuth client in a realm where setup put the breach
 * step-up into the direct-grant flow: what a user without a flag gets, and what a flagged user gets.
 */
final class DirectGrants {

    private DirectGrants() {
    }

    /** Asserts tokens for the password alone; returns the token response. */
    static AccessTokenResponse assertToken(OAuthClient oauth, String username) {
        AccessTokenResponse r = oauth.doPasswordGrantRequest(username, Realms.PASSWORD);
        assertEquals(200, r.getStatusCode(), username + " signs in with the password alone: " + r.getError() + " " + r.getErrorDescription());
        assertNotNull(r.getAccessToken());
        return r;
    }

    /** Asserts the step-up's refusal: {@code invalid_grant} naming the security incident. */
    static void assertSteppedUp(OAuthClient oauth, String username) {
        AccessTokenResponse r = oauth.doPasswordGrantRequest(username, Realms.PASSWORD);
        assertEquals(400, r.getStatusCode(), username + " must step up: " + r.getError());
        assertEquals("invalid_grant", r.getError());
        assertTrue(r.getErrorDescription().contains("security incident"), r.getErrorDescription());
    }
}
