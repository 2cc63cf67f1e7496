package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fixture the login tests share: the breach-response API of one framework-managed realm, called as the
 * framework's admin, and the steps every such test takes through it (setup, an incident, a flag). Each step
 * asserts the status it expects, so that a broken fixture fails where it breaks and not in a later assertion.
 */
final class Fixtures {

    final ManagedRealm realm;
    final BreachApi api;

    Fixtures(KeycloakUrls urls, ManagedRealm realm, Keycloak admin) {
        this.realm = realm;
        this.api = new BreachApi(urls.getBase(), realm.getName(), () -> admin.tokenManager().getAccessTokenString());
    }

    /** {@code POST .../setup}: asserts 200 and returns the setup report. */
    JsonNode setup() {
        BreachApi.Reply r = api.post("/setup", null, "");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /**
     * Creates an incident; asserts 201.
     *
     * @param exposedData a JSON array of exposed-data kinds, e.g. {@code ["email"]}
     * @param policy a JSON policy object, or null for the realm's defaults
     */
    void incident(String id, String title, String exposedData, String policy) {
        String body = "{\"id\":\"" + id + "\",\"title\":\"" + title + "\",\"exposedData\":" + exposedData
                + (policy == null ? "" : ",\"policy\":" + policy) + "}";
        BreachApi.Reply r = api.postJson("/incidents", body);
        assertEquals(201, r.status(), r.toString());
    }

    /** The id of an existing user of the realm (exact username match). */
    String userId(String username) {
        return realm.admin().users().searchByUsername(username, true).get(0).getId();
    }

    /** Flags the user in the incident through the admin API; asserts 200 or 201. */
    void flag(String incident, String username) {
        BreachApi.Reply r = api.put("/incidents/" + incident + "/flags/" + userId(username));
        assertTrue(r.status() == 200 || r.status() == 201, r.toString());
    }

    /** The user's flag in the incident as the API renders it; asserts 200. */
    JsonNode flagOf(String incident, String username) {
        BreachApi.Reply r = api.get("/incidents/" + incident + "/flags/" + userId(username));
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }
}
