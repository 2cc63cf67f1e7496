package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;

/**
 * Benchmark, not a test: run with {@code ./mvnw verify -Pbench -Dit.test=WebhookDeliveryBench}. One real Keycloak
 * (production mode, PostgreSQL) with 100,000 users; in the same run, {@code bench.rounds} (3) rounds of a bulk job of
 * 100,000 users without a webhook endpoint and the same with one endpoint subscribed to {@code flag.created} (its
 * 100,000 deliveries written with each chunk), in alternating order, for the throughput ratio (medians); after each job
 * with the endpoint, how fast the deliveries drain to a receiver on loopback in this JVM (which answers 204 and
 * verifies every 100th signature with the Standard Webhooks reference library).
 * Prints figures; asserts only correctness (every delivery arrived once, signed).
 */
class WebhookDeliveryBench {

    static final int USERS = Integer.getInteger("bench.users", 100_000);
    /** Rounds of one job without and one with the endpoint, in alternating order. */
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final String REALM = "hooks";

    static KeycloakProcess kc;
    static HttpServer receiver;
    static ExecutorService receiverThreads;
    static final Set<String> ids = ConcurrentHashMap.newKeySet();
    static final AtomicInteger received = new AtomicInteger();
    static final AtomicInteger badSignatures = new AtomicInteger();
    static final AtomicLong firstAt = new AtomicLong();
    static final AtomicLong lastAt = new AtomicLong();
    static volatile String secret;

    @BeforeAll
    static void start() throws Exception {
        kc = BenchSupport.server("webhooks");
        kc.start();
        receiverThreads = Executors.newFixedThreadPool(8);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        receiver.setExecutor(receiverThreads);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long now = System.nanoTime();
            firstAt.compareAndSet(0, now);
            lastAt.set(now);
            int n = received.incrementAndGet();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            ids.add(id);
            if (n % 100 == 0) {
                Map<String, List<String>> headers = exchange.getRequestHeaders().entrySet().stream()
                        .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
                try {
                    new Webhook(secret).verify(body, headers);
                } catch (Exception e) {
                    badSignatures.incrementAndGet();
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.stop(0);
            receiverThreads.shutdownNow();
        }
        if (kc != null) {
            kc.close();
        }
    }

    @Test
    void bulkWithAndWithoutAnEndpointAndTheDrain() throws Exception {
        BenchSupport.out("configuration: Keycloak %s production mode, %s, %d users, one endpoint on loopback, sender defaults (parallel 8), 2 cores",
                System.getProperty("br.keycloak.version"), kc.databaseVendor(), USERS);
        assertEquals(201, kc.adminCall("POST", "/realms", "{\"realm\":\"" + REALM + "\",\"enabled\":true}").statusCode());
        String realmId = BreachApi.JSON.readTree(kc.adminCall("GET", "/realms/" + REALM, null).body()).get("id").asText();
        BenchSupport.seedUsers(kc.database(), realmId, 0, USERS);
        BenchSupport.analyze(kc);
        AutoCloseable autovacuum = BenchSupport.analyzeEvery(kc, 60);
        BreachApi api = kc.api(REALM);

        bulk(api, "warmup", Math.min(5_000, USERS));
        // alternating order (without then with, with then without, ...), so that a drift over the run (a growing flag
        // table, the page cache warming) weighs on both sides alike; the figures are the medians of the rounds
        List<Double> withs = new java.util.ArrayList<>();
        List<Double> withouts = new java.util.ArrayList<>();
        List<Double> ratios = new java.util.ArrayList<>();
        List<Double> drains = new java.util.ArrayList<>();
        for (int r = 1; r <= ROUNDS; r++) {
            double with;
            double without;
            if (r % 2 == 1) {
                without = bulk(api, "without-" + r, USERS);
                with = withEndpoint(api, r, drains);
            } else {
                with = withEndpoint(api, r, drains);
                without = bulk(api, "without-" + r, USERS);
            }
            withs.add(with);
            withouts.add(without);
            ratios.add(with / without);
            BenchSupport.out("round %d (%s first): with %.0f / without %.0f users/s = %.2f", r, r % 2 == 1 ? "without" : "with", with, without,
                    with / without);
        }
        BenchSupport.out("bulk throughput with one endpoint / without, medians of %d rounds: %.0f / %.0f users/s; median of the rounds' ratios %.2f"
                + " (each round: %s)", ROUNDS, median(withs), median(withouts), median(ratios), ratios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
        BenchSupport.out("deliveries after the job ended, median of %d rounds: %.0f requests/s (each round: %s)", ROUNDS, median(drains),
                drains.stream().map(x -> String.format(Locale.ROOT, "%.0f", x)).toList());
        JsonNode counts = api.get("/webhooks").json();
        assertTrue(counts.get("webhooks").isEmpty(), counts.toString());
        autovacuum.close();
    }

    static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * One bulk job of every user with one endpoint subscribed to {@code flag.created}; waits until its deliveries all
     * arrived (checking each arrived once, signed), prints the drain, adds the rate after the job to {@code drains},
     * deletes the endpoint so the sender is idle again; returns the job's users/s.
     */
    private static double withEndpoint(BreachApi api, int round, List<Double> drains) throws Exception {
        ids.clear();
        received.set(0);
        firstAt.set(0);
        lastAt.set(0);
        String port = Integer.toString(receiver.getAddress().getPort());
        BreachApi.Reply hook = api.postJson("/webhooks", "{\"url\":\"http://127.0.0.1:" + port + "/hook\",\"events\":[\"flag.created\"]}");
        assertEquals(201, hook.status(), hook.toString());
        secret = hook.json().get("secret").asText();
        long d0 = System.nanoTime();
        double with = bulk(api, "with-" + round, USERS);
        long jobEnd = System.nanoTime();
        int atJobEnd = received.get();
        long end = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (received.get() < USERS && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        double drainFromJobStart = BenchSupport.secs(d0);
        assertEquals(USERS, received.get(), "every delivery arrived");
        assertEquals(USERS, ids.size(), "each once");
        assertEquals(0, badSignatures.get(), "every sampled signature verifies");
        double span = (lastAt.get() - firstAt.get()) / 1e9;
        BenchSupport.out("deliveries: %d received in %.1f s from the job's start; first to last %.1f s = %.0f requests/s; %d signatures verified",
                received.get(), drainFromJobStart, span, USERS / span, USERS / 100);
        double after = (lastAt.get() - jobEnd) / 1e9;
        BenchSupport.out("deliveries while the job ran: %d (paced); the other %d after it ended in %.1f s = %.0f requests/s",
                atJobEnd, USERS - atJobEnd, after, (USERS - atJobEnd) / after);
        drains.add((USERS - atJobEnd) / after);
        assertEquals(204, api.delete("/webhooks/" + hook.json().get("id").asText()).status());
        // the 100,000 deliveries' row versions (claimed, delivered, deleted with the endpoint) are autovacuum's work in
        // production; here, untimed, so that the next job does not pay for them
        BenchSupport.vacuum(kc, "BR_WEBHOOK_DELIVERY", "BR_WEBHOOK_BATCH");
        return with;
    }

    private static double bulk(BreachApi api, String incident, int count) throws Exception {
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"" + incident + "\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < count; i++) {
            nd.append("{\"email\":\"dev").append(i).append("@bench.test\"}\n");
        }
        long s = System.nanoTime();
        BreachApi.Reply rep = api.post("/incidents/" + incident + "/flags", "application/x-ndjson", nd.toString());
        assertEquals(202, rep.status(), rep.toString());
        JsonNode job = api.awaitJob(rep.json().get("id").asText(), Duration.ofHours(1));
        double total = BenchSupport.secs(s);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        assertEquals(count, job.at("/counts/flagged").asInt(), job.toString());
        BenchSupport.out("bulk %s: %d users in %.1f s = %.0f users/s", incident, count, total, count / total);
        return count / total;
    }
}
