package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Benchmark, not a test: {@code ./mvnw verify -Pbench -Dit.test=SsfPushBench}. One real Keycloak (production mode,
 * PostgreSQL) and a Shared Signals transmitter in this JVM (RS256 keys, JWKS, SSF metadata, token, streams and an RFC
 * 8936 poll endpoint that hands out a pre-signed backlog). In one run: signed RISC credential-compromise SETs pushed by
 * 8 clients, each flagging an existing user, against a baseline of the same number of clients flagging users one by
 * one through the admin API ({@code PUT /incidents/{id}/flags/{userId}}); then a backlog of 100,000 SETs drained by
 * the scheduled poll, with the server's heap sampled. Prints figures; asserts only correctness (every SET accepted and
 * applied once, every flag there).
 */
class SsfPushBench {

    static final int PUSHED = Integer.getInteger("bench.ssf.pushed", 20_000);
    static final int BASELINE = Integer.getInteger("bench.ssf.baseline", 5_000);
    static final int BACKLOG = Integer.getInteger("bench.ssf.backlog", 100_000);
    static final int CLIENTS = 8;
    static final String REALM = "ssf";

    static KeycloakProcess kc;
    static HttpServer transmitter;
    static String issuer;
    static final SetSigner.Key KEY = SetSigner.key("bench-1");
    static volatile List<String> backlog = List.of();
    static final AtomicInteger handedOut = new AtomicInteger();
    static final AtomicInteger acked = new AtomicInteger();
    static final AtomicInteger errored = new AtomicInteger();
    static final AtomicLong lastAckAt = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        kc = BenchSupport.server("ssf");
        kc.start();
        transmitter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        transmitter.setExecutor(Executors.newFixedThreadPool(4));
        String base = "http://127.0.0.1:" + transmitter.getAddress().getPort();
        issuer = base + "/t";
        transmitter.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            String body = switch (key) {
                case "GET /.well-known/ssf-configuration/t" -> "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                        + "\"configuration_endpoint\":\"" + issuer + "/streams\"}";
                case "GET /t/.well-known/openid-configuration" -> "{\"token_endpoint\":\"" + issuer + "/token\"}";
                case "POST /t/token" -> "{\"access_token\":\"bench\",\"token_type\":\"Bearer\"}";
                case "GET /t/jwks" -> SetSigner.jwks(List.of(KEY));
                case "POST /t/streams" -> "{\"stream_id\":\"s-1\",\"delivery\":{\"method\":\"urn:ietf:rfc:8936\",\"endpoint_url\":\"" + issuer
                        + "/poll\"},\"events_delivered\":[]}";
                case "POST /t/poll" -> poll(BreachApi.JSON.readTree(in));
                default -> null;
            };
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(key.equals("POST /t/streams") ? 201 : 200, b.length);
                exchange.getResponseBody().write(b);
            }
            exchange.close();
        });
        transmitter.start();
    }

    /** RFC 8936: counts acknowledgements and errors, hands out the next {@code maxEvents} SETs of the backlog. */
    static String poll(JsonNode request) {
        int ack = request.path("ack").size();
        if (ack > 0) {
            acked.addAndGet(ack);
            lastAckAt.set(System.nanoTime());
        }
        errored.addAndGet(request.path("setErrs").size());
        int max = request.path("maxEvents").asInt(0);
        ObjectNode out = BreachApi.JSON.createObjectNode();
        ObjectNode sets = out.putObject("sets");
        List<String> all = backlog;
        for (int i = 0; i < max; i++) {
            int n = handedOut.getAndIncrement();
            if (n >= all.size()) {
                handedOut.decrementAndGet();
                break;
            }
            sets.put("jti-" + n, all.get(n));
        }
        out.put("moreAvailable", handedOut.get() < all.size());
        return out.toString();
    }

    @AfterAll
    static void stop() {
        if (transmitter != null) {
            transmitter.stop(0);
        }
        if (kc != null) {
            kc.close();
        }
    }

    /** SETs for users dev{from}… with jti jti-{n}, signed in parallel before anything is measured. */
    static List<String> sign(int from, int count, String jtiPrefix) {
        SetSigner signer = new SetSigner(issuer, "bench-aud");
        return IntStream.range(0, count).parallel().mapToObj(i -> {
            ObjectNode claims = signer.claims(SetSigner.CREDENTIAL_COMPROMISE, SetSigner.event("credential_type", "password"),
                    SetSigner.email("dev" + (from + i) + "@bench.test"), System.currentTimeMillis() / 1000);
            claims.put("jti", jtiPrefix + i);
            return SetSigner.sign(claims, KEY);
        }).toList();
    }

    @Test
    void pushAgainstTheAdminApiAndAPollBacklog() throws Exception {
        int users = PUSHED + BASELINE + BACKLOG;
        BenchSupport.out("configuration: Keycloak %s production mode, %s, %d users, %d pushed SETs by %d clients, baseline %d admin-API flags,"
                        + " backlog %d SETs by poll (maxEvents 500), 2 cores", System.getProperty("br.keycloak.version"), kc.databaseVendor(), users,
                PUSHED, CLIENTS, BASELINE, BACKLOG);
        assertEquals(201, kc.adminCall("POST", "/realms", "{\"realm\":\"" + REALM + "\",\"enabled\":true}").statusCode());
        String realmId = BreachApi.JSON.readTree(kc.adminCall("GET", "/realms/" + REALM, null).body()).get("id").asText();
        List<String> ids = BenchSupport.seedUsers(kc.database(), realmId, 0, users);
        BenchSupport.analyze(kc);
        AutoCloseable autovacuum = BenchSupport.analyzeEvery(kc, 60);
        BreachApi api = kc.api(REALM);

        BreachApi.Reply push = api.postJson("/ssf/receivers", "{\"alias\":\"push\",\"issuer\":\"" + issuer + "\",\"jwksUri\":\"" + issuer
                + "/jwks\",\"audience\":\"bench-aud\",\"delivery\":\"push\"}");
        assertEquals(201, push.status(), push.toString());
        String pushUrl = push.json().get("pushUrl").asText();
        String credential = push.json().get("pushCredential").asText();

        long s0 = System.nanoTime();
        List<String> warm = sign(PUSHED + BASELINE, 500, "warm-");
        List<String> pushed = sign(0, PUSHED, "push-");
        BenchSupport.out("signed %d SETs in %.1f s (test JVM, before measuring)", PUSHED + 500, BenchSupport.secs(s0));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String pushId = push.json().get("id").asText();
        run(warm, set -> pushOne(http, pushUrl, credential, set));
        inboxEmpty(api, pushId);
        // the floor of this endpoint in the same run: the same requests with a wrong push credential (401: one receiver
        // read, no SET verified, nothing written)
        double floor = run(pushed, set -> pushStatus(http, pushUrl, "wrong-" + credential, set) == 401);
        BenchSupport.out("floor: %d pushes answered 401 (wrong credential: the request, the receiver read, no verification, no write) = %.0f"
                + " requests/s", PUSHED, floor);
        long p0 = System.nanoTime();
        double acceptRate = run(pushed, set -> pushOne(http, pushUrl, credential, set));
        BenchSupport.out("push: %d SETs verified and accepted (202: replay entry and inbox row committed) in %.1f s = %.0f events/s", PUSHED,
                PUSHED / acceptRate, acceptRate);
        inboxEmpty(api, pushId);
        double pushSecs = BenchSupport.secs(p0);
        double pushRate = PUSHED / pushSecs;
        BenchSupport.out("push: %d SETs verified and applied (flag, history, revocation, admin event, webhook row, log row) %.1f s after the first"
                + " was sent = %.0f events/s", PUSHED, pushSecs, pushRate);
        BenchSupport.out("push accepted/s / floor requests/s = %.0f / %.0f = %.2f", acceptRate, floor, acceptRate / floor);
        long applied = count(api.get("/ssf/receivers/" + pushId + "/status").json(), "APPLIED");
        assertEquals(PUSHED + warm.size(), applied, "every pushed SET applied once");

        assertEquals(201, api.postJson("/incidents", "{\"id\":\"baseline\",\"title\":\"t\",\"exposedData\":[\"password\"]}").status());
        List<String> baselineUsers = ids.subList(PUSHED, PUSHED + BASELINE);
        double baseRate = run(baselineUsers, id -> api.put("/incidents/baseline/flags/" + id).status() == 201);
        BenchSupport.out("baseline: %d users flagged one by one through the admin API by %d clients = %.0f flags/s", BASELINE, CLIENTS, baseRate);
        BenchSupport.out("push events/s / admin-API flags/s = %.0f / %.0f = %.2f", pushRate, baseRate, pushRate / baseRate);
        JsonNode stats = api.get("/incidents/ssf-push/stats").json();
        BenchSupport.out("incident ssf-push: %s", stats.toString());

        // the backlog, drained by the schedule
        s0 = System.nanoTime();
        backlog = sign(PUSHED + BASELINE, BACKLOG, "poll-");
        BenchSupport.out("signed the backlog of %d SETs in %.1f s", BACKLOG, BenchSupport.secs(s0));
        long heapBefore = BenchSupport.heapUsedAfterGc(kc.javaPid());
        BreachApi.Reply poll = api.postJson("/ssf/receivers", "{\"alias\":\"poll\",\"issuer\":\"" + issuer + "\",\"audience\":\"bench-aud\","
                + "\"delivery\":\"poll\",\"clientId\":\"bench\",\"clientSecret\":\"bench\",\"maxEvents\":500,\"pollIntervalSeconds\":10}");
        assertEquals(201, poll.status(), poll.toString());
        String pollId = poll.json().get("id").asText();
        long d0 = System.nanoTime();
        assertEquals(201, api.post("/ssf/receivers/" + pollId + "/stream", "application/json", "").status());
        long maxHeap = 0;
        long until = System.nanoTime() + Duration.ofMinutes(40).toNanos();
        while (acked.get() + errored.get() < BACKLOG && System.nanoTime() < until) {
            Thread.sleep(2000);
            maxHeap = Math.max(maxHeap, BenchSupport.heapUsed(kc.javaPid()));
        }
        double ackSecs = (lastAckAt.get() - d0) / 1e9;
        inboxEmpty(api, pollId);
        double drain = BenchSupport.secs(d0);
        BenchSupport.out("poll: %d SETs acknowledged (in the inbox) %.1f s after the stream was created = %.0f events/s", BACKLOG, ackSecs,
                BACKLOG / ackSecs);
        long heapAfter = BenchSupport.heapUsedAfterGc(kc.javaPid());
        assertEquals(BACKLOG, acked.get(), "every SET acknowledged (errors: " + errored.get() + ")");
        BenchSupport.out("poll: %d SETs drained and applied in %.1f s = %.0f events/s; server heap after GC %d MB before, %d MB after, at most %d MB while draining"
                        + " (sampled every 2 s, with garbage)", BACKLOG, drain, BACKLOG / drain, heapBefore >> 20, heapAfter >> 20, maxHeap >> 20);
        JsonNode status = api.get("/ssf/receivers/" + pollId + "/status").json();
        BenchSupport.out("poll receiver counts: %s", status.get("counts").toString());
        JsonNode pollStats = api.get("/incidents/ssf-poll/stats").json();
        BenchSupport.out("incident ssf-poll: %s", pollStats.toString());
        autovacuum.close();
    }

    /** Waits until the receiver's inbox is empty (every accepted SET applied), checking every 100 ms, for at most 30 min. */
    static void inboxEmpty(BreachApi api, String receiverId) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (api.get("/ssf/receivers/" + receiverId + "/status").json().at("/inbox/pending").asLong() > 0) {
            assertTrue(System.nanoTime() < until, "the inbox drained within 30 minutes");
            Thread.sleep(100);
        }
    }

    static long count(JsonNode status, String outcome) {
        long n = 0;
        for (JsonNode c : status.get("counts")) {
            if (outcome.equals(c.get("outcome").asText())) {
                n += c.get("count").asLong();
            }
        }
        return n;
    }

    static boolean pushOne(HttpClient http, String url, String credential, String set) {
        return pushStatus(http, url, credential, set) == 202;
    }

    static int pushStatus(HttpClient http, String url, String credential, String set) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/secevent+jwt")
                    .header("Authorization", "Bearer " + credential).POST(HttpRequest.BodyPublishers.ofString(set)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Runs {@code action} over {@code items} on {@link #CLIENTS} threads; asserts every call succeeded; returns items/s. */
    static <T> double run(List<T> items, java.util.function.Predicate<T> action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            futures.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                    if (!action.test(items.get(i))) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double secs = BenchSupport.secs(t0);
        pool.shutdown();
        assertEquals(0, failed.get(), "every call succeeded");
        assertTrue(secs > 0);
        return items.size() / secs;
    }
}
