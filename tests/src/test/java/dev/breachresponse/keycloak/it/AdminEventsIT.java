package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every write of the admin API ({@code /admin/realms/{realm}/breach-response/...}) leaves one Keycloak admin event
 * in the realm (admin events and their details on, as {@link EnforcementRealm} sets): its operation type, the
 * extension's resource type ({@code BREACH_*}), the resource path relative to the realm, and as representation
 * exactly the JSON the API answered, which holds no token, password or other secret of the request. A write that
 * changes nothing (a repeated flag, a second setup) or that is refused records none.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class AdminEventsIT {

    /** A value a vendor's breach list may carry next to the email; never stored anywhere, events included. */
    static final String LEAKED_SECRET = "hunter2-leaked-hash-5f4dcc3b5aa765d61d8327deb882cf99";

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    BreachApi api;

    @BeforeEach
    void setUp() {
        api = new BreachApi(urls.getBase(), realm.getName(), () -> admin.tokenManager().getAccessTokenString());
        // admin events outlive a removed realm of the same id: each test reads only its own
        realm.admin().clearAdminEvents();
    }

    // --- helpers -------------------------------------------------------------------------------------------

    String userId(String username) {
        return realm.admin().users().searchByUsername(username, true).get(0).getId();
    }

    JsonNode incident(String id) {
        BreachApi.Reply r = api.postJson("/incidents", "{\"id\":\"" + id + "\",\"title\":\"Vendor leak " + id
                + "\",\"exposedData\":[\"email\"]}");
        assertEquals(201, r.status(), r.toString());
        return r.json();
    }

    List<AdminEventRepresentation> events(String resourceType, String operation) {
        return realm.admin().getAdminEvents().stream()
                .filter(e -> resourceType.equals(e.getResourceType()) && operation.equals(e.getOperationType()))
                .toList();
    }

    /**
     * The one admin event of that type and operation at {@code path} (the realm-relative resource path): its
     * representation is the JSON the API answered ({@code answered}), and it carries no secret. Returns the
     * representation.
     */
    JsonNode theEvent(String resourceType, String operation, String path, BreachApi.Reply answered) {
        List<AdminEventRepresentation> all = events(resourceType, operation);
        List<AdminEventRepresentation> found = all.stream().filter(e -> path.equals(e.getResourcePath())).toList();
        assertEquals(1, found.size(), "one " + operation + " " + resourceType + " admin event at " + path + ": " + describe(all));
        AdminEventRepresentation e = found.get(0);
        assertNotNull(e.getAuthDetails(), "who did it");
        assertNotNull(e.getAuthDetails().getUserId(), "who did it");
        String rep = e.getRepresentation();
        assertNotNull(rep, "details are on: the event holds what was written");
        assertNoSecret(rep);
        JsonNode json = parse(rep);
        assertEquals(answered.json(), json, "the event records what the API answered");
        return json;
    }

    void assertNoSecret(String representation) {
        String token = admin.tokenManager().getAccessTokenString();
        assertFalse(representation.contains(token), "no bearer token");
        assertFalse(representation.contains("eyJ"), "no JWT of any kind: " + representation);
        assertFalse(representation.contains(Realms.PASSWORD), "no user password");
        assertFalse(representation.contains(EnforcementRealm.CAROL_OTP_SECRET), "no OTP secret");
        assertFalse(representation.contains(LEAKED_SECRET), "nothing of the submitted breach list but the job");
        assertFalse(representation.toLowerCase(java.util.Locale.ROOT).contains("secret"), representation);
    }

    static JsonNode parse(String s) {
        try {
            return BreachApi.JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError("the representation is not JSON: " + s, e);
        }
    }

    static String describe(List<AdminEventRepresentation> events) {
        return events.stream().map(e -> e.getOperationType() + " " + e.getResourceType() + " " + e.getResourcePath()).toList().toString();
    }

    // --- incidents -----------------------------------------------------------------------------------------

    @Test
    void creatingAnIncident() {
        BreachApi.Reply r = api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Vendor leak\",\"exposedData\":[\"email\"]}");
        assertEquals(201, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_INCIDENT", "CREATE", "breach-response/incidents/leak", r);
        assertEquals("leak", rep.get("id").asText());

        BreachApi.Reply again = api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Vendor leak\",\"exposedData\":[\"email\"]}");
        assertEquals(200, again.status(), "the same body again is a replay: " + again);
        assertEquals(1, events("BREACH_INCIDENT", "CREATE").size(), "a replay writes nothing and records nothing");
    }

    @Test
    void editingAnIncident() {
        incident("leak");
        BreachApi.Reply r = api.putJson("/incidents/leak", "{\"title\":\"Vendor leak, confirmed\",\"policy\":{\"revokeSessions\":false}}");
        assertEquals(200, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_INCIDENT", "UPDATE", "breach-response/incidents/leak", r);
        assertEquals("Vendor leak, confirmed", rep.get("title").asText());
        assertFalse(rep.at("/policy/revokeSessions").asBoolean(), rep.toString());
    }

    @Test
    void closingAnIncident() {
        incident("leak");
        BreachApi.Reply r = api.putJson("/incidents/leak", "{\"status\":\"CLOSED\"}");
        assertEquals(200, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_INCIDENT", "UPDATE", "breach-response/incidents/leak", r);
        assertEquals("CLOSED", rep.get("status").asText(), rep.toString());
        assertFalse(rep.get("closedAt").isNull(), rep.toString());
    }

    // --- flags ---------------------------------------------------------------------------------------------

    @Test
    void flaggingOneUser() {
        incident("leak");
        String bob = userId("bob");
        BreachApi.Reply r = api.put("/incidents/leak/flags/" + bob);
        assertEquals(201, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_FLAG", "CREATE", "breach-response/incidents/leak/flags/" + bob, r);
        assertEquals("FLAGGED", rep.get("outcome").asText());
        assertEquals(bob, rep.get("userId").asText());

        BreachApi.Reply again = api.put("/incidents/leak/flags/" + bob);
        assertEquals(200, again.status(), again.toString());
        assertEquals("ALREADY_FLAGGED", again.json().get("outcome").asText());
        assertEquals(1, events("BREACH_FLAG", "CREATE").size(), "flagging a flagged user changes nothing and records nothing");
    }

    @Test
    void dismissingAFlag() {
        incident("leak");
        String bob = userId("bob");
        assertEquals(201, api.put("/incidents/leak/flags/" + bob).status());
        BreachApi.Reply r = api.delete("/incidents/leak/flags/" + bob + "?reason=" + BreachApi.enc("not our bob: a namesake at the vendor"));
        assertEquals(200, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_FLAG", "DELETE", "breach-response/incidents/leak/flags/" + bob, r);
        assertEquals("DISMISSED", rep.get("state").asText());
        assertEquals("not our bob: a namesake at the vendor", rep.get("dismissReason").asText());
    }

    @Test
    void submittingABulkFlagJob() {
        incident("leak");
        // a vendor's list as it comes: the email, and a column the extension must not keep (the leaked hash)
        BreachApi.Reply r = api.post("/incidents/leak/flags", "text/csv",
                "email,password_hash\r\nbob@example.test," + LEAKED_SECRET + "\r\n");
        assertEquals(202, r.status(), r.toString());
        api.awaitJob(r.json().get("id").asText(), java.time.Duration.ofSeconds(60));
        JsonNode rep = theEvent("BREACH_FLAG_JOB", "CREATE", "breach-response/incidents/leak/flags", r);
        assertEquals(1, rep.at("/counts/submitted").asInt(), rep.toString());
        assertEquals("leak", rep.get("incidentId").asText());
        assertEquals(1, events("BREACH_FLAG_JOB", "CREATE").size(), "the job's own run records no further CREATE");
    }

    @Test
    void cancellingABulkFlagJob() {
        incident("leak");
        // the worker runs one job at a time: a long job first keeps the second one QUEUED until it is cancelled
        StringBuilder many = new StringBuilder("email\n");
        for (int i = 0; i < 20_000; i++) {
            many.append("nobody").append(i).append("@example.test\n");
        }
        BreachApi.Reply longJob = api.post("/incidents/leak/flags", "text/csv", many.toString());
        assertEquals(202, longJob.status(), longJob.toString());
        BreachApi.Reply queued = api.post("/incidents/leak/flags", "text/csv", "email\nbob@example.test\n");
        assertEquals(202, queued.status(), queued.toString());
        String jobId = queued.json().get("id").asText();
        String longJobId = longJob.json().get("id").asText();

        BreachApi.Reply r = api.delete("/jobs/" + jobId);
        // stop the long job too, and let the worker leave it before the realm is removed
        assertEquals(200, api.delete("/jobs/" + longJobId).status());
        api.awaitJob(longJobId, java.time.Duration.ofSeconds(120));
        awaitIdle(longJobId);
        assertEquals(200, r.status(), r.toString());
        assertEquals("CANCELLED", r.json().get("state").asText(), r.toString());
        JsonNode rep = theEvent("BREACH_FLAG_JOB", "DELETE", "breach-response/jobs/" + jobId, r);
        assertEquals(jobId, rep.get("id").asText());

        BreachApi.Reply again = api.delete("/jobs/" + jobId);
        assertEquals(200, again.status(), again.toString());
        assertEquals(1, events("BREACH_FLAG_JOB", "DELETE").stream().filter(e -> e.getResourcePath().endsWith(jobId)).count(),
                "cancelling a finished job changes nothing and records nothing");
    }

    /** Waits until the worker wrote no further chunk of the job for half a second (a chunk in flight commits). */
    void awaitIdle(String jobId) {
        long last = -1;
        for (int i = 0; i < 60; i++) {
            long processed = api.get("/jobs/" + jobId).json().get("processed").asLong();
            if (processed == last) {
                return;
            }
            last = processed;
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("job " + jobId + " still moving after its cancellation");
    }

    // --- realm setup and settings --------------------------------------------------------------------------

    @Test
    void runningSetup() {
        BreachApi.Reply r = api.post("/setup", null, "");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.json().get("changed").asBoolean(), r.toString());
        JsonNode rep = theEvent("BREACH_SETUP", "UPDATE", "breach-response/setup", r);
        assertTrue(rep.get("changes").size() > 0, rep.toString());

        BreachApi.Reply again = api.post("/setup", null, "");
        assertEquals(200, again.status(), again.toString());
        assertFalse(again.json().get("changed").asBoolean(), again.toString());
        assertEquals(1, events("BREACH_SETUP", "UPDATE").size(), "a setup that changes nothing records nothing");
    }

    @Test
    void savingTheRealmConfig() {
        BreachApi.Reply r = api.putJson("/config", "{\"allowedFactors\":[\"otp\"],\"grace\":{\"days\":3,\"skips\":1}}");
        assertEquals(200, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_CONFIG", "UPDATE", "breach-response/config", r);
        assertEquals("[\"otp\"]", rep.get("allowedFactors").toString());
        assertEquals(3, rep.at("/grace/days").asInt());
    }

    @Test
    void aRefusedWriteRecordsNothing() {
        BreachApi.Reply bad = api.putJson("/config", "{\"enforcement\":\"audit\"}");
        assertEquals(400, bad.status(), bad.toString());
        BreachApi.Reply noReason = api.delete("/incidents/none/flags/" + userId("bob"));
        assertEquals(400, noReason.status(), noReason.toString());
        List<AdminEventRepresentation> ours = realm.admin().getAdminEvents().stream()
                .filter(e -> e.getResourceType() != null && e.getResourceType().startsWith("BREACH_")).toList();
        assertTrue(ours.isEmpty(), "refused writes: " + describe(ours));
    }

    // --- campaigns run by hand -----------------------------------------------------------------------------

    @Test
    void runningTheReminders() {
        incident("leak");
        BreachApi.Reply r = api.post("/reminders/run", null, "");
        assertEquals(200, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_REMINDER", "ACTION", "breach-response/reminders/run", r);
        assertTrue(rep.has("looked") && !rep.has("incidentId"), rep.toString());
    }

    @Test
    void runningTheRemindersThroughTheDeprecatedIncidentPath() {
        incident("leak");
        BreachApi.Reply r = api.post("/incidents/leak/reminders/run", null, "");
        assertEquals(200, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_REMINDER", "ACTION", "breach-response/incidents/leak/reminders/run", r);
        assertEquals("leak", rep.get("incidentId").asText());
    }

    @Test
    void runningTheHygieneWalk() {
        BreachApi.Reply on = api.putJson("/config", "{\"hygiene\":{\"mfaNudges\":true}}");
        assertEquals(200, on.status(), on.toString());
        BreachApi.Reply r = api.post("/hygiene/run", null, "");
        assertEquals(200, r.status(), r.toString());
        JsonNode rep = theEvent("BREACH_HYGIENE", "ACTION", "breach-response/hygiene/run", r);
        assertTrue(rep.has("walked"), rep.toString());
    }
}
