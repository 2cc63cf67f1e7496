package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.realm.RealmBuilder;
import org.keycloak.testframework.realm.RealmConfig;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bulk-flag requests the endpoint refuses, one case each: malformed or oversized input, wrong media types, an
 * unknown incident, and callers without the right. Every case asserts its status and that nothing was stored.
 * The cases write nothing, so they share one realm made once per class: the incident "leak" with one finished
 * job that flagged dev0.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BulkFlagRefusalsIT {

    /** dev0 to dev3, password only. */
    public static class RefusalsRealm implements RealmConfig {
        @Override
        public RealmBuilder configure(RealmBuilder realm) {
            return realm.users(Realms.user(null, "dev0"), Realms.user(null, "dev1"), Realms.user(null, "dev2"), Realms.user(null, "dev3"));
        }
    }

    /** One request to the breach-response API, made by {@code caller}; {@code jobId} is the realm's finished job. */
    interface Call {
        BreachApi.Reply send(BreachApi caller, String jobId);
    }

    @InjectRealm(config = RefusalsRealm.class, lifecycle = LifeCycle.CLASS)
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    BreachApi api;
    String jobId;

    @BeforeEach
    void incidentWithOneFinishedJob() {
        api = new BreachApi(urls.getBase(), realm.getName(), () -> admin.tokenManager().getAccessTokenString());
        if (api.get("/incidents/leak").status() == 404) {
            assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\",\"location\"]}").status());
            String id = api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev0\"}]}").json().get("id").asText();
            assertEquals("SUCCEEDED", api.awaitJob(id, java.time.Duration.ofSeconds(60)).get("state").asText());
        }
        JsonNode jobs = api.get("/incidents/leak/jobs").json();
        assertEquals(1, jobs.size(), "the one job of the fixture: " + jobs);
        jobId = jobs.get(0).get("id").asText();
    }

    static Stream<Arguments> badRequests() {
        StringBuilder big = new StringBuilder("{\"subjects\":[");
        for (int i = 0; i <= 100_000; i++) {
            big.append(i == 0 ? "" : ",").append("{\"id\":\"u").append(i).append("\"}");
        }
        String tooMany = big.append("]}").toString();
        return Stream.of(
                bad("truncated JSON", 400, (a, j) -> a.postJson("/incidents/leak/flags", "{\"subjects\":[{\"email\":\"a@x.io\"}")),
                bad("NDJSON with a line that is not JSON", 400,
                        (a, j) -> a.post("/incidents/leak/flags", "application/x-ndjson", "{\"email\":\"a@x.io\"}\nnot json\n")),
                bad("CSV without a subject column", 400, (a, j) -> a.post("/incidents/leak/flags", "text/csv", "phone\n123\n")),
                bad("text/plain", 415, (a, j) -> a.post("/incidents/leak/flags", "text/plain", "dev0")),
                bad("CSV in ISO-8859-1", 415,
                        (a, j) -> a.post("/incidents/leak/flags", "text/csv; charset=iso-8859-1", "email\ndev0@example.test\n")),
                bad("no content type", 415, (a, j) -> a.post("/incidents/leak/flags", null, "{}")),
                bad("empty JSON body", 400, (a, j) -> a.postJson("/incidents/leak/flags", "")),
                bad("unknown incident", 404, (a, j) -> a.postJson("/incidents/nope/flags", "{\"subjects\":[]}")),
                bad("dryRun not a boolean", 400, (a, j) -> a.postJson("/incidents/leak/flags?dryRun=maybe", "{\"subjects\":[]}")),
                bad("Idempotency-Key of 300 characters", 400, (a, j) -> a.send("POST", "/incidents/leak/flags", "application/json",
                        "{\"subjects\":[]}", "Idempotency-Key", "x".repeat(300))),
                bad("more than 100 000 subjects", 413, (a, j) -> a.postJson("/incidents/leak/flags", tooMany)));
    }

    static Arguments bad(String name, int status, Call call) {
        return Arguments.of(name, status, call);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badRequests")
    void aBadRequestIsRefusedWithAJsonErrorAndStoresNothing(String name, int status, Call call) {
        BreachApi.Reply r = call.send(api, jobId);
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.json().hasNonNull("error"), r.toString());
        assertTrue(r.json().hasNonNull("message"), r.toString());
        assertNothingStored();
    }

    @Test
    void anAnonymousCallerIsRefusedWith401() {
        BreachApi anonymous = new BreachApi(urls.getBase(), realm.getName(), () -> null);
        assertEquals(401, anonymous.postJson("/incidents/leak/flags", "{\"subjects\":[]}").status());
        assertNothingStored();
    }

    static Stream<Arguments> callsThatNeedRights() {
        return Stream.of(
                need("post a batch", (a, j) -> a.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev1\"}]}")),
                need("read a job", (a, j) -> a.get("/jobs/" + j)),
                // an unknown job answers 403 as well: no oracle for job ids
                need("read an unknown job", (a, j) -> a.get("/jobs/" + UUID.randomUUID())),
                need("read a job's items", (a, j) -> a.get("/jobs/" + j + "/items")),
                need("cancel a job", (a, j) -> a.delete("/jobs/" + j)),
                need("read an incident's stats", (a, j) -> a.get("/incidents/leak/stats")));
    }

    static Arguments need(String name, Call call) {
        return Arguments.of(name, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsThatNeedRights")
    void aUserWithoutRealmManagementRolesIsRefusedWith403(String name, Call call) {
        JsonNode t = Realms.passwordGrant(urls.getBase(), realm.getName(), "dev3", Realms.PASSWORD, null);
        String token = t.get("access_token").asText();
        BreachApi nobody = new BreachApi(urls.getBase(), realm.getName(), () -> token);
        BreachApi.Reply r = call.send(nobody, jobId);
        assertEquals(403, r.status(), r.toString());
        assertNothingStored();
    }

    /** The fixture's one job and dev0's one flag, and nothing else. */
    private void assertNothingStored() {
        assertEquals(1, api.get("/incidents/leak/jobs").json().size(), "no job stored for a refused request");
        assertEquals(1, api.get("/incidents/leak/flags").json().size(), "no flag stored for a refused request");
        assertEquals("SUCCEEDED", api.get("/jobs/" + jobId).json().get("state").asText(), "the finished job is untouched");
    }
}
