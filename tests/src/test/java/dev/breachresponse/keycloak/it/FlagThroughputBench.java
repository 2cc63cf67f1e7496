package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Benchmark, not a test: run with {@code ./mvnw verify -Pbench}. One real Keycloak (production mode, default
 * policy, PostgreSQL) with N users; in the same run it measures the admin-REST workaround (GET user by email,
 * PUT user, POST logout) over a sample, the bulk endpoint over 10k and 100k users, and the server heap while
 * 1M subjects go through in ten dry-run requests of 100k. Prints figures; asserts only correctness.
 */
class FlagThroughputBench {

    private static long heapUsedAfterGc(long pid) throws Exception {
        return BenchSupport.heapUsedAfterGc(pid);
    }

    private static long heapUsed(long pid) {
        return BenchSupport.heapUsed(pid);
    }

    private static double secs(long startNanos) {
        return BenchSupport.secs(startNanos);
    }

    private static void out(String fmt, Object... args) {
        BenchSupport.out(fmt, args);
    }

    static final int USERS = Integer.getInteger("bench.users", 100_000);
    static final int SAMPLE = Integer.getInteger("bench.sample", 500);
    static final int MILLION = Integer.getInteger("bench.dryrun.total", 1_000_000);

    static KeycloakProcess kc;
    static final String REALM = "bench";
    static final int CHUNK = Integer.getInteger("bench.chunk", 500);
    static final int WARMUP = Integer.getInteger("bench.warmup", 5_000);

    @BeforeAll
    static void start() throws Exception {
        kc = BenchSupport.server("bench")
                .option("spi-admin-realm-restapi-extension--breach-response--chunk-size", Integer.toString(CHUNK));
        kc.start();
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
    }

    @Test
    void throughputAndHeap() throws Exception {
        out("configuration: Keycloak %s production mode, %s, %d users, default policy (revoke sessions), chunk %d, 2 cores",
                System.getProperty("br.keycloak.version"), kc.databaseVendor(), USERS, CHUNK);
        long t0 = System.nanoTime();
        createRealmWithUsers();
        out("seeded %d users in %.1f s", USERS, secs(t0));
        BenchSupport.analyze(kc);
        AutoCloseable autovacuum = BenchSupport.analyzeEvery(kc, 60);
        BreachApi api = kc.api(REALM);

        // 1. baseline: the admin-REST workaround, one user at a time
        long b0 = System.nanoTime();
        for (int i = 0; i < SAMPLE; i++) {
            adminRestFlag(i);
        }
        double baseline = SAMPLE / secs(b0);
        out("admin-REST script: %d users in %.1f s = %.0f users/s", SAMPLE, secs(b0), baseline);

        // 2. bulk endpoint: a warm-up job (the server's JIT, like the script's first calls), then 10k and 100k
        // (users after the sample and the warm-up, so none is flagged yet by the incident measured)
        if (WARMUP > 0) {
            bulk(api, "bench-warmup", SAMPLE, Math.min(WARMUP, USERS - SAMPLE));
        }
        double tenK = bulk(api, "bench-10k", SAMPLE, Math.min(10_000, USERS - SAMPLE));
        double hundredK = bulk(api, "bench-100k", 0, Math.min(100_000, USERS));
        out("ratio 10k endpoint / admin-REST = %.1fx; 100k endpoint / admin-REST = %.1fx", tenK / baseline, hundredK / baseline);

        // 3. heap while 1M subjects go through, 10 dry-run requests of 100k
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"bench-1m\",\"title\":\"1M\",\"exposedData\":[\"email\"]}").status());
        long pid = kc.javaPid();
        long before = heapUsedAfterGc(pid);
        AtomicLong peak = new AtomicLong(before);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(heapUsed(pid), Math::max);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long m0 = System.nanoTime();
        int requests = MILLION / 100_000;
        List<String> jobs = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            StringBuilder nd = new StringBuilder(4_000_000);
            for (int i = 0; i < 100_000; i++) {
                nd.append("{\"email\":\"dev").append((r * 100_000 + i) % USERS).append("@bench.test\"}\n");
            }
            BreachApi.Reply rep = api.post("/incidents/bench-1m/flags?dryRun=true", "application/x-ndjson", nd.toString());
            assertEquals(202, rep.status(), rep.toString());
            jobs.add(rep.json().get("id").asText());
        }
        for (String j : jobs) {
            assertEquals("SUCCEEDED", api.awaitJob(j, java.time.Duration.ofHours(1)).get("state").asText());
        }
        sampler.interrupt();
        long after = heapUsedAfterGc(pid);
        out("1M subjects (10 x 100k, dry run): %.1f s = %.0f subjects/s; heap used after GC before %d MB, after %d MB (growth %d MB); peak %d MB (%d MB over baseline)",
                secs(m0), MILLION / secs(m0), before >> 20, after >> 20, (after - before) >> 20, peak.get() >> 20, (peak.get() - before) >> 20);
        autovacuum.close();
    }

    private double bulk(BreachApi api, String incident, int from, int count) throws Exception {
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"" + incident + "\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        StringBuilder nd = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            nd.append("{\"email\":\"dev").append(i).append("@bench.test\"}\n");
        }
        long s = System.nanoTime();
        BreachApi.Reply rep = api.post("/incidents/" + incident + "/flags", "application/x-ndjson", nd.toString());
        assertEquals(202, rep.status(), rep.toString());
        double accepted = secs(s);
        JsonNode job = api.awaitJob(rep.json().get("id").asText(), java.time.Duration.ofHours(1));
        double total = secs(s);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        int done = job.at("/counts/flagged").asInt() + job.at("/counts/alreadyFlagged").asInt();
        assertEquals(count, done, job.toString());
        out("endpoint %s: %d users, accepted (all items stored) in %.1f s, finished in %.1f s = %.0f users/s (flagged %d, already %d)",
                incident, count, accepted, total, count / total, job.at("/counts/flagged").asInt(), job.at("/counts/alreadyFlagged").asInt());
        return count / total;
    }

    private void adminRestFlag(int i) throws IOException {
        HttpResponse<String> found = kc.adminCall("GET", "/realms/" + REALM + "/users?exact=true&email=dev" + i + "%40bench.test", null);
        JsonNode users = BreachApi.JSON.readTree(found.body());
        String id = users.get(0).get("id").asText();
        JsonNode user = users.get(0);
        ((com.fasterxml.jackson.databind.node.ObjectNode) user).putObject("attributes").putArray("breach").add("flagged");
        assertEquals(204, kc.adminCall("PUT", "/realms/" + REALM + "/users/" + id, user.toString()).statusCode());
        assertEquals(204, kc.adminCall("POST", "/realms/" + REALM + "/users/" + id + "/logout", null).statusCode());
    }

    /**
     * The realm through the admin API; its users straight into USER_ENTITY with JDBC (Keycloak's partial import
     * slows down past ~40k users on this machine). They are ordinary local users: Keycloak reads them from
     * the database like any other, with a cold user cache.
     */
    private void createRealmWithUsers() throws Exception {
        assertEquals(201, kc.adminCall("POST", "/realms", "{\"realm\":\"" + REALM + "\",\"enabled\":true}").statusCode());
        String realmId = BreachApi.JSON.readTree(kc.adminCall("GET", "/realms/" + REALM, null).body()).get("id").asText();
        BenchSupport.seedUsers(kc.database(), realmId, 0, USERS);
    }

}
