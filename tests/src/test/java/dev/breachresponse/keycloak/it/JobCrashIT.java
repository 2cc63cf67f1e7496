package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * kill -9 the server in the middle of a bulk job; after restart the job is resumed through its expired lease
 * and finishes with exact counts, every user flagged once; re-posting the batch flags nobody new.
 */
class JobCrashIT {

    static final int USERS = 2000;
    static final int UNKNOWN = 25;

    static KeycloakProcess kc;

    @BeforeAll
    static void start() throws Exception {
        kc = KeycloakProcess.forThisRun("crash", "start-dev")
                .option("spi-admin-realm-restapi-extension--breach-response--chunk-size", "20")
                .option("spi-admin-realm-restapi-extension--breach-response--lease-seconds", "10")
                .option("spi-admin-realm-restapi-extension--breach-response--poll-seconds", "1");
        kc.start();
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
    }

    @Test
    void jobKilledMidwayFinishesWithExactCountsAfterRestart() throws Exception {
        String realm = Realms.newName("crash");
        List<Map<String, Object>> users = new ArrayList<>();
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < USERS; i++) {
            users.add(Map.of("id", UUID.randomUUID().toString(), "username", "dev" + i, "email", "dev" + i + "@example.test", "enabled", true));
            ndjson.append("{\"email\":\"dev").append(i).append("@example.test\"}\n");
        }
        for (int i = 0; i < UNKNOWN; i++) {
            ndjson.append("{\"email\":\"stranger").append(i).append("@example.test\"}\n");
        }
        HttpResponse<String> created = kc.adminCall("POST", "/realms",
                BreachApi.JSON.writeValueAsString(Map.of("realm", realm, "enabled", true, "users", users)));
        assertEquals(201, created.statusCode(), created.body());

        BreachApi api = kc.api(realm);
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"crash\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        BreachApi.Reply accepted = api.post("/incidents/crash/flags", "application/x-ndjson", ndjson.toString());
        assertEquals(202, accepted.status(), accepted.toString());
        String jobId = accepted.json().get("id").asText();

        // wait until the worker is partway, then SIGKILL
        long deadline = System.currentTimeMillis() + 120_000;
        int processedAtKill;
        while (true) {
            JsonNode job = api.get("/jobs/" + jobId).json();
            processedAtKill = job.get("processed").asInt();
            if (processedAtKill > 0) {
                break;
            }
            assertTrue(System.currentTimeMillis() < deadline, "job never started: " + job);
            Thread.sleep(20);
        }
        kc.kill();
        assertTrue(processedAtKill < USERS + UNKNOWN, "killed mid-job (processed " + processedAtKill + ")");

        kc.start();
        BreachApi after = kc.api(realm);
        JsonNode done = after.awaitJob(jobId, java.time.Duration.ofMinutes(5));
        assertEquals("SUCCEEDED", done.get("state").asText(), done.toString());
        assertEquals(USERS + UNKNOWN, done.at("/counts/submitted").asInt());
        assertEquals(USERS, done.at("/counts/flagged").asInt(), done.toString());
        assertEquals(UNKNOWN, done.at("/counts/notFound").asInt());
        assertEquals(0, done.at("/counts/alreadyFlagged").asInt(), "no chunk counted twice");
        assertEquals(USERS + UNKNOWN, done.get("processed").asInt());
        assertEquals(USERS, after.get("/incidents/crash/stats").json().get("flagged").asInt());
        JsonNode sample = after.get("/incidents/crash/flags?first=" + (USERS - 1) + "&max=5").json();
        assertEquals(1, sample.size());

        // the job's items, stored a page per chunk of 20: each subject once, in order, with its outcome, also when
        // a listing filtered by outcome starts pages in (pages before `first` skipped by their counts)
        List<Integer> seqs = new ArrayList<>();
        for (int first = 0; first < USERS + UNKNOWN; first += 500) {
            JsonNode page = after.get("/jobs/" + jobId + "/items?first=" + first + "&max=500").json();
            for (JsonNode i : page) {
                seqs.add(i.get("seq").asInt());
                assertEquals(i.get("seq").asInt() < USERS ? "FLAGGED" : "NOT_FOUND", i.get("outcome").asText(), i.toString());
            }
        }
        assertEquals(java.util.stream.IntStream.range(0, USERS + UNKNOWN).boxed().toList(), seqs, "every subject listed once, in order");
        assertEquals(List.of(USERS + 5, USERS + 6, USERS + 7), seqOf(after.get("/jobs/" + jobId + "/items?outcome=NOT_FOUND&first=5&max=3").json()));
        assertEquals(List.of(USERS - 2, USERS - 1), seqOf(after.get("/jobs/" + jobId + "/items?outcome=FLAGGED&first=" + (USERS - 2) + "&max=10").json()));
        assertEquals(List.of(USERS - 1, USERS, USERS + 1), seqOf(after.get("/jobs/" + jobId + "/items?first=" + (USERS - 1) + "&max=3").json()));
        assertEquals(List.of(), seqOf(after.get("/jobs/" + jobId + "/items?outcome=NOT_FOUND&first=" + UNKNOWN + "&max=3").json()));
        assertEquals(List.of(), seqOf(after.get("/jobs/" + jobId + "/items?outcome=AMBIGUOUS").json()));

        BreachApi.Reply again = after.post("/incidents/crash/flags", "application/x-ndjson", ndjson.toString());
        JsonNode repost = after.awaitJob(again.json().get("id").asText(), java.time.Duration.ofMinutes(5));
        assertEquals(0, repost.at("/counts/flagged").asInt());
        assertEquals(USERS, repost.at("/counts/alreadyFlagged").asInt());
    }

    private static List<Integer> seqOf(JsonNode items) {
        List<Integer> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("seq").asInt()));
        return out;
    }

}
