package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.PartialImportRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The incident store through a real server: incidents, flags, history and dismissal written and read back
 * over the admin API, and flags deleted with their user (local and federated) and with their realm.
 * Subclasses say which server: the test framework's distribution server ({@link IncidentStoreIT}) or a
 * container built from docker/Dockerfile ({@link ContainerIncidentStoreIT}).
 */
abstract class IncidentStoreContract {

    /** Master-realm admin client authenticated as the bootstrap service account {@code temp-admin}. */
    abstract Keycloak admin();

    abstract String baseUrl();

    Keycloak admin;
    String realmId;
    String realm;
    String aliceId;
    String bobId;
    BreachApi api;

    @BeforeEach
    void realmWithTwoUsers() {
        admin = admin();
        realmId = UUID.randomUUID().toString();
        realm = Realms.newName("store");
        aliceId = UUID.randomUUID().toString();
        bobId = UUID.randomUUID().toString();
        Realms.create(admin, realmId, realm, List.of(Realms.user(aliceId, "alice"), Realms.user(bobId, "bob")));
        api = new BreachApi(baseUrl(), realm, () -> admin.tokenManager().getAccessTokenString());
    }

    @AfterEach
    void removeRealm() {
        if (admin.realms().findAll().stream().anyMatch(r -> r.getRealm().equals(realm))) {
            admin.realm(realm).remove();
        }
    }

    @Test
    void createIsIdempotentAndRefusesADifferentBodyForTheSameId() {
        String body = "{\"id\":\"mixpanel-2025-11\",\"title\":\"Mixpanel leak\",\"exposedData\":[\"email\",\"location\"]}";
        BreachApi.Reply created = api.postJson("/incidents", body);
        assertEquals(201, created.status(), created.toString());
        assertEquals(api.url("/incidents/mixpanel-2025-11"), created.header("Location"));
        JsonNode json = created.json();
        assertEquals("OPEN", json.get("status").asText());
        assertTrue(json.at("/policy/requireMfa").asBoolean());
        assertFalse(json.at("/policy/requirePasswordChange").asBoolean(), "email/location only: no password change");

        BreachApi.Reply replay = api.postJson("/incidents", "{\"title\":\"Mixpanel leak\",\"exposedData\":[\"location\",\"email\"],\"id\":\"mixpanel-2025-11\"}");
        assertEquals(200, replay.status(), "same meaning, other order: a replay");
        assertEquals(json.get("createdAt"), replay.json().get("createdAt"));

        BreachApi.Reply conflict = api.postJson("/incidents", body.replace("Mixpanel leak", "Other"));
        assertEquals(409, conflict.status());
        assertEquals("conflict", conflict.json().get("error").asText());

        BreachApi.Reply secret = api.postJson("/incidents", "{\"id\":\"pw-leak\",\"title\":\"t\",\"exposedData\":[\"email\",\"password\"]}");
        assertEquals(201, secret.status());
        assertTrue(secret.json().at("/policy/requirePasswordChange").asBoolean(), "password exposed: password change");

        BreachApi.Reply list = api.get("/incidents");
        assertEquals(200, list.status());
        assertEquals(2, list.json().size());
        assertEquals("2", list.header("X-Total-Count"));
    }

    @Test
    void flagIsStoredWithHistoryAndDismissedWithReason() {
        createIncident("inc-a");
        BreachApi.Reply flagged = api.put("/incidents/inc-a/flags/" + aliceId);
        assertEquals(201, flagged.status(), flagged.toString());
        assertEquals("FLAGGED", flagged.json().get("outcome").asText());
        // the framework's admin client is a service account (client credentials): recorded as that client
        assertEquals("CLIENT", flagged.json().at("/flaggedBy/type").asText());
        assertEquals("temp-admin", flagged.json().at("/flaggedBy/id").asText());

        BreachApi.Reply again = api.put("/incidents/inc-a/flags/" + aliceId);
        assertEquals(200, again.status());
        assertEquals("ALREADY_FLAGGED", again.json().get("outcome").asText());

        JsonNode mine = api.get("/users/" + aliceId + "/flags").json();
        assertEquals(1, mine.size());
        assertEquals("FLAGGED", mine.get(0).get("state").asText());
        assertEquals(0, api.get("/users/" + bobId + "/flags").json().size());

        assertEquals(400, api.delete("/incidents/inc-a/flags/" + aliceId).status(), "a dismissal needs a reason");
        BreachApi.Reply dismissed = api.delete("/incidents/inc-a/flags/" + aliceId + "?reason=" + BreachApi.enc("not a customer of the vendor"));
        assertEquals(200, dismissed.status(), dismissed.toString());
        assertEquals("DISMISSED", dismissed.json().get("state").asText());
        assertEquals("not a customer of the vendor", dismissed.json().get("dismissReason").asText());

        JsonNode detail = api.get("/incidents/inc-a/flags/" + aliceId).json();
        JsonNode history = detail.get("history");
        assertEquals(2, history.size(), detail.toString());
        assertTrue(history.get(0).get("from").isNull());
        assertEquals("FLAGGED", history.get(0).get("to").asText());
        assertEquals("FLAGGED", history.get(1).get("from").asText());
        assertEquals("DISMISSED", history.get(1).get("to").asText());
        assertEquals("not a customer of the vendor", history.get(1).get("detail").asText());

        BreachApi.Reply reflag = api.put("/incidents/inc-a/flags/" + aliceId);
        assertEquals(201, reflag.status());
        assertEquals("REFLAGGED", reflag.json().get("outcome").asText());
        assertNull(reflag.json().get("dismissReason").textValue());
        assertEquals(3, api.get("/incidents/inc-a/flags/" + aliceId).json().get("history").size());
    }

    @Test
    void aUserCarriesFlagsOfSeveralIncidents() {
        createIncident("inc-1");
        createIncident("inc-2");
        assertEquals(201, api.put("/incidents/inc-1/flags/" + aliceId).status());
        assertEquals(201, api.put("/incidents/inc-2/flags/" + aliceId).status());
        assertEquals(201, api.put("/incidents/inc-2/flags/" + bobId).status());
        JsonNode flags = api.get("/users/" + aliceId + "/flags").json();
        assertEquals(2, flags.size());
        assertEquals("inc-1", flags.get(0).get("incidentId").asText());
        assertEquals("inc-2", flags.get(1).get("incidentId").asText());
        assertEquals(2, api.get("/incidents/inc-2/flags").json().size());
        assertEquals(1, api.get("/incidents/inc-1/flags?state=FLAGGED").json().size());
        assertEquals(0, api.get("/incidents/inc-1/flags?state=DISMISSED").json().size());
    }

    @Test
    void closedIncidentTakesNoNewFlagsButKeepsOldOnes() {
        createIncident("inc-c");
        assertEquals(201, api.put("/incidents/inc-c/flags/" + aliceId).status());
        BreachApi.Reply closed = api.putJson("/incidents/inc-c", "{\"status\":\"CLOSED\"}");
        assertEquals(200, closed.status(), closed.toString());
        assertEquals("CLOSED", closed.json().get("status").asText());
        BreachApi.Reply refused = api.put("/incidents/inc-c/flags/" + bobId);
        assertEquals(409, refused.status());
        assertEquals("incident_closed", refused.json().get("error").asText());
        JsonNode alice = api.get("/users/" + aliceId + "/flags").json();
        assertEquals("FLAGGED", alice.get(0).get("state").asText(), "open flags stay enforced after close");
        assertFalse(alice.get(0).get("incidentOpen").asBoolean());
    }

    @Test
    void deletingAUserDeletesItsFlags() {
        createIncident("inc-u");
        assertEquals(201, api.put("/incidents/inc-u/flags/" + aliceId).status());
        assertEquals(201, api.put("/incidents/inc-u/flags/" + bobId).status());
        try (Response r = admin.realm(realm).users().delete(aliceId)) {
            assertEquals(204, r.getStatus());
        }
        // the same id again: a leftover flag row would show up here
        PartialImportRepresentation again = new PartialImportRepresentation();
        again.setUsers(List.of(Realms.user(aliceId, "alice")));
        try (Response r = admin.realm(realm).partialImport(again)) {
            assertEquals(200, r.getStatus());
        }
        assertEquals(0, api.get("/users/" + aliceId + "/flags").json().size());
        assertEquals(1, api.get("/users/" + bobId + "/flags").json().size(), "other users keep theirs");
        assertEquals(1, api.get("/incidents/inc-u/flags").json().size());
    }

    @Test
    void deletingAFederatedUserDeletesItsFlags() {
        String carolId = Realms.federatedUser(admin, realm, "carol");
        UserRepresentation carol = new UserRepresentation();
        carol.setUsername("carol");
        carol.setEnabled(true);

        createIncident("inc-f");
        assertEquals(201, api.put("/incidents/inc-f/flags/" + BreachApi.enc(carolId)).status());
        assertEquals(1, api.get("/users/" + BreachApi.enc(carolId) + "/flags").json().size());

        try (Response r = admin.realm(realm).users().delete(carolId)) {
            assertEquals(204, r.getStatus());
        }
        try (Response r = admin.realm(realm).users().create(carol)) {
            assertEquals(201, r.getStatus());
        }
        assertEquals(0, api.get("/users/" + BreachApi.enc(carolId) + "/flags").json().size());
        assertEquals(0, api.get("/incidents/inc-f/flags").json().size());
    }

    @Test
    void deletingARealmDeletesItsIncidentsAndFlags() {
        createIncident("inc-r");
        assertEquals(201, api.put("/incidents/inc-r/flags/" + aliceId).status());
        admin.realm(realm).remove();
        // same realm id, same user id: leftover rows would reappear
        Realms.create(admin, realmId, realm, List.of(Realms.user(aliceId, "alice")));
        assertEquals(0, api.get("/incidents").json().size());
        assertEquals(0, api.get("/users/" + aliceId + "/flags").json().size());
        assertEquals(404, api.get("/incidents/inc-r").status());
    }

    @Test
    void flaggingRevokesSessionsIssuedBefore() {
        createIncident("inc-s");
        JsonNode tokens = Realms.passwordGrant(baseUrl(), realm, "alice", Realms.PASSWORD, null);
        assertEquals(200, tokens.get("_status").asInt(), tokens.toString());
        assertEquals(200, Realms.refresh(baseUrl(), realm, tokens.get("refresh_token").asText()).get("_status").asInt());

        BreachApi.Reply flagged = api.put("/incidents/inc-s/flags/" + aliceId);
        assertEquals(201, flagged.status());
        assertTrue(flagged.json().get("sessionsRevoked").asInt() >= 1, flagged.toString());

        JsonNode refused = Realms.refresh(baseUrl(), realm, tokens.get("refresh_token").asText());
        assertEquals(400, refused.get("_status").asInt(), refused.toString());
        assertEquals("invalid_grant", refused.get("error").asText());
    }

    @Test
    void permissionsAreCheckedFirst() {
        createIncident("inc-p");
        BreachApi anonymous = new BreachApi(baseUrl(), realm, () -> null);
        assertEquals(401, anonymous.get("/incidents").status());
        assertEquals(401, anonymous.put("/incidents/inc-p/flags/" + aliceId).status());

        // bob has no admin role at all; alice may only view users
        Realms.grant(admin, realm, aliceId, "view-users");
        BreachApi bob = asUser("bob");
        BreachApi viewer = asUser("alice");
        // each refusal on its own: one that lets a caller through does not hide the others
        assertAll("bob, no admin role",
                () -> {
                    BreachApi.Reply denied = bob.get("/users/" + aliceId + "/flags");
                    assertEquals(403, denied.status(), denied.toString());
                    assertEquals("forbidden", denied.json().get("error").asText());
                },
                () -> assertEquals(403, bob.get("/users/" + UUID.randomUUID() + "/flags").status(), "no oracle: unknown users are 403 too"),
                () -> assertEquals(403, bob.get("/incidents").status()),
                () -> assertEquals(403, bob.postJson("/incidents", "{\"id\":\"x\",\"title\":\"x\",\"exposedData\":[\"email\"]}").status()));
        assertAll("alice, view-users only",
                () -> assertEquals(200, viewer.get("/incidents").status()),
                () -> assertEquals(403, viewer.put("/incidents/inc-p/flags/" + bobId).status()),
                () -> assertEquals(403, viewer.postJson("/incidents", "{\"id\":\"x\",\"title\":\"x\",\"exposedData\":[\"email\"]}").status()));
        assertEquals(0, api.get("/users/" + bobId + "/flags").json().size(), "nothing written by refused calls");
        assertEquals(1, api.get("/incidents").json().size());
    }

    @Test
    void tokensOfOtherRealmsGetNoAccess() {
        createIncident("inc-x");
        // an admin-less user of the master realm: authenticated by Keycloak, refused by the extension
        String masterUser = UUID.randomUUID().toString();
        try (Response r = admin.realm("master").users().create(Realms.user(masterUser, "nobody-" + masterUser.substring(0, 8)))) {
            assertEquals(201, r.getStatus());
        }
        try {
            JsonNode t = Realms.passwordGrant(baseUrl(), "master", "nobody-" + masterUser.substring(0, 8), Realms.PASSWORD, null);
            assertEquals(200, t.get("_status").asInt(), t.toString());
            String token = t.get("access_token").asText();
            BreachApi stranger = new BreachApi(baseUrl(), realm, () -> token);
            assertEquals(403, stranger.get("/incidents").status());
            assertEquals(403, stranger.get("/users/" + aliceId + "/flags").status());
            assertEquals(403, stranger.put("/incidents/inc-x/flags/" + aliceId).status());
            assertEquals(403, stranger.postJson("/incidents/inc-x/flags", "{\"subjects\":[{\"username\":\"alice\"}]}").status());
        } finally {
            admin.realm("master").users().delete(masterUser).close();
        }
        // a realm-admin of a third realm (not master): a valid token, refused for this realm with 403 (Keycloak's
        // admin layer answers it before the extension runs; 401 is only for no token or an invalid one)
        String otherRealm = Realms.newName("other");
        Realms.create(admin, UUID.randomUUID().toString(), otherRealm, List.of(Realms.user(UUID.randomUUID().toString(), "eve")));
        try {
            Realms.grant(admin, otherRealm, admin.realm(otherRealm).users().search("eve").get(0).getId(), "realm-admin");
            JsonNode t = Realms.passwordGrant(baseUrl(), otherRealm, "eve", Realms.PASSWORD, null);
            String token = t.get("access_token").asText();
            BreachApi eve = new BreachApi(baseUrl(), realm, () -> token);
            assertEquals(200, t.get("_status").asInt(), t.toString());
            assertEquals(403, eve.get("/incidents").status(), "a realm-admin of another realm is refused");
            assertEquals(403, eve.get("/users/" + aliceId + "/flags").status());
            assertEquals(403, eve.postJson("/incidents/inc-x/flags", "{\"subjects\":[{\"username\":\"alice\"}]}").status());
        } finally {
            admin.realm(otherRealm).remove();
        }
        assertEquals(0, api.get("/users/" + aliceId + "/flags").json().size(), "nothing written");
    }

    @Test
    void badInputGetsAClearJsonErrorAndWritesNothing() {
        // one case each, reported together: one wrong answer does not hide the others (a realm per case would cost
        // a realm creation each)
        assertAll("bad input",
                () -> assertError(api.postJson("/incidents", "{\"id\":\"a\",\"title\":\"t\",\"exposedData\":[\"email\"],\"admin\":true}"), 400, "Unknown field 'admin'"),
                () -> assertError(api.postJson("/incidents", "{not json"), 400, "not valid JSON"),
                () -> assertError(api.postJson("/incidents", ""), 400, "body is required"),
                () -> assertError(api.postJson("/incidents", "[]"), 400, "JSON object"),
                () -> assertError(api.post("/incidents", "text/plain", "{\"id\":\"a\"}"), 415, "application/json"),
                () -> assertError(api.postJson("/incidents", "{\"id\":\"a b\",\"title\":\"t\",\"exposedData\":[\"email\"]}"), 400, "id must be"),
                () -> assertError(api.postJson("/incidents", "{\"id\":\"a\",\"title\":\"t\",\"exposedData\":[\"shoe-size\"]}"), 400, "unknown class"),
                () -> assertError(api.postJson("/incidents", "{\"id\":\"a\",\"title\":\"t\",\"exposedData\":[\"email\"],\"policy\":{\"allowedFactors\":[\"sms\"]}}"), 400, "not a supported factor"),
                () -> assertError(api.postJson("/incidents", "{\"id\":\"a\",\"title\":\"t\",\"exposedData\":[\"email\"],\"policy\":{\"grace\":{\"days\":-1}}}"), 400, "policy.grace.days"),
                () -> assertError(api.postJson("/incidents", "{\"id\":\"a\",\"title\":\"" + "x".repeat(300) + "\",\"exposedData\":[\"email\"]}"), 400, "at most 255"),
                () -> assertError(api.postJson("/incidents", "{\"id\":\"a\",\"title\":\"" + "x".repeat(70_000) + "\",\"exposedData\":[\"email\"]}"), 413, "exceeds"),
                () -> assertError(api.get("/incidents/nope"), 404, "was not found"),
                () -> assertError(api.put("/incidents/nope/flags/" + aliceId), 404, "was not found"),
                () -> assertError(api.get("/incidents?max=100000"), 400, "max must be"),
                () -> assertError(api.get("/incidents/nope/flags?state=PWNED"), 400, "state must be"));
        assertEquals(0, api.get("/incidents").json().size(), "nothing was written");
    }

    private void assertError(BreachApi.Reply r, int status, String messagePart) {
        assertEquals(status, r.status(), r.toString());
        JsonNode j = r.json();
        assertTrue(j.hasNonNull("error"), r.toString());
        assertTrue(j.get("message").asText().contains(messagePart), "message '" + j.get("message").asText() + "' should contain '" + messagePart + "'");
    }

    private BreachApi asUser(String username) {
        JsonNode t = Realms.passwordGrant(baseUrl(), realm, username, Realms.PASSWORD, null);
        assertEquals(200, t.get("_status").asInt(), t.toString());
        String token = t.get("access_token").asText();
        return new BreachApi(baseUrl(), realm, () -> token);
    }

    private void createIncident(String id) {
        BreachApi.Reply r = api.postJson("/incidents", "{\"id\":\"" + id + "\",\"title\":\"Leak " + id + "\",\"exposedData\":[\"email\",\"location\"]}");
        assertEquals(201, r.status(), r.toString());
    }
}
