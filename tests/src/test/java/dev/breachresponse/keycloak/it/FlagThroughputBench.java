package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Benchmark, not a test: run with {@code ./mvnw verify -Pbench}. One real Keycloak (production mode, default
 * policy, PostgreSQL) with N users; in the same run it measures the admin-REST workaround (GET user by email,
 * PUT user, POST logout) over a sample, the bulk endpoint over 10k and 100k users, and the server heap and the CPU
 * time of each side while 1M subjects go through in ten requests of 100k: a dry run, or flagged with
 * {@code -Dbench.million.flag=true} (then seed as many users: {@code -Dbench.users=1000000}; with fewer, the subjects
 * repeat and only that many are flagged). Prints figures; asserts only correctness.
 */
class FlagThroughputBench {

    private static long heapUsedAfterGc(long pid) throws Exception {
        return BenchSupport.heapUsedAfterGc(pid);
    }

    private static long heapUsed(long pid) {
        return BenchSupport.heapUsed(pid);
    }

    /** When the server ended the job (its {@code finishedAt}), in epoch milliseconds. */
    private static long finishedAt(JsonNode job) {
        return java.time.Instant.parse(job.get("finishedAt").asText()).toEpochMilli();
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
    /** Section 3 flags its subjects instead of a dry run (issue 15, goal 3: a million users in at most 3 minutes). */
    static final boolean MILLION_FLAG = Boolean.getBoolean("bench.million.flag");

    static KeycloakProcess kc;
    static final String REALM = "bench";
    /** Chunk size of the product (its server option) and of the floor alike: the product's default unless set. */
    static final int CHUNK = Integer.getInteger("bench.chunk", dev.breachresponse.keycloak.jobs.JobSettings.DEFAULT_CHUNK_SIZE);
    static final int WARMUP = Integer.getInteger("bench.warmup", 5_000);
    /** Rounds of (product, floor) at 100,000 users, in alternating order. */
    static final int FLOOR_ROUNDS = Integer.getInteger("bench.floor.rounds", 2);
    /**
     * How often a job's status is polled. A poll is not free for the server (a bearer-token check that rebuilds the
     * service account's transient session, and the job's read): at 100 ms the polls took more of Keycloak's CPU than the
     * worker's own Java during a product run on MariaDB, CPU the floor never pays. So jobs are polled rarely and timed to
     * their {@code finishedAt} (the server's clock, the same machine's as this JVM's), not to the poll that saw them end.
     */
    static final Duration POLL = Duration.ofMillis(Integer.getInteger("bench.poll.ms", 1000));

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
        // the product against the floor of its essential writes (issue 15), alternating so that a drift over the run
        // (growing flag and history tables, the page cache) weighs on both sides alike
        int n = Math.min(100_000, USERS);
        List<Double> products = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int r = 1; r <= FLOOR_ROUNDS; r++) {
            double product;
            double floor;
            if (r % 2 == 1) {
                product = bulk(api, "bench-100k-" + r, 0, n);
                floor = floor(api, "floor-" + r, 0, n);
            } else {
                floor = floor(api, "floor-" + r, 0, n);
                product = bulk(api, "bench-100k-" + r, 0, n);
            }
            products.add(product);
            floors.add(floor);
            ratios.add(product / floor);
            out("round %d (%s first): product %.0f / floor %.0f users/s = %.2f", r, r % 2 == 1 ? "product" : "floor", product, floor, product / floor);
        }
        double hundredK = WebhookDeliveryBench.median(products);
        out("100k: product / floor of the essential writes, medians of %d rounds: %.0f / %.0f users/s; median ratio %.2f (each round: %s)",
                FLOOR_ROUNDS, hundredK, WebhookDeliveryBench.median(floors), WebhookDeliveryBench.median(ratios),
                ratios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
        out("ratio 10k endpoint / admin-REST = %.1fx; 100k endpoint / admin-REST = %.1fx", tenK / baseline, hundredK / baseline);

        // 3. 1M subjects as ten requests of 100k: heap, time and (issue 15, goal 3) each side's CPU. A dry run by
        // default; -Dbench.million.flag=true flags them for real (seed at least that many users: -Dbench.users=1000000)
        String kind = MILLION_FLAG ? "flagged" : "dry run";
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"bench-1m\",\"title\":\"1M\",\"exposedData\":[\"email\"]}").status());
        long pid = kc.javaPid();
        long before = heapUsedAfterGc(pid);
        AtomicLong peak = new AtomicLong(before);
        BenchSupport.CpuMeter meter = new BenchSupport.CpuMeter(pid);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(heapUsed(pid), Math::max); // a jcmd process: not too often, it takes a core for a while
                try {
                    for (int i = 0; i < 10 && !Thread.currentThread().isInterrupted(); i++) {
                        meter.sample();
                        Thread.sleep(500);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long m0 = System.currentTimeMillis();
        int requests = MILLION / 100_000;
        List<String> jobs = new ArrayList<>();
        double intake = 0;
        for (int r = 0; r < requests; r++) {
            StringBuilder nd = new StringBuilder(4_000_000);
            for (int i = 0; i < 100_000; i++) {
                nd.append("{\"email\":\"dev").append((r * 100_000 + i) % USERS).append("@bench.test\"}\n");
            }
            long q0 = System.nanoTime();
            BreachApi.Reply rep = api.post("/incidents/bench-1m/flags" + (MILLION_FLAG ? "" : "?dryRun=true"), "application/x-ndjson", nd.toString());
            intake += secs(q0);
            assertEquals(202, rep.status(), rep.toString());
            jobs.add(rep.json().get("id").asText());
        }
        int flagged = 0;
        long end = m0;
        for (String j : jobs) {
            JsonNode job = api.awaitJob(j, Duration.ofHours(1), POLL);
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            flagged += job.at("/counts/flagged").asInt();
            end = Math.max(end, finishedAt(job));
        }
        double took = (end - m0) / 1000.0;
        sampler.interrupt();
        BenchSupport.CpuTimes cpu = meter.stop();
        long after = heapUsedAfterGc(pid);
        out("1M subjects (10 x 100k, %s): %.1f s = %.0f subjects/s (flagged %d; the ten requests accepted in %.1f s together);"
                + " heap used after GC before %d MB, after %d MB (growth %d MB); peak %d MB (%d MB over baseline)",
                kind, took, took > 0 ? MILLION / took : 0, flagged, intake, before >> 20, after >> 20, (after - before) >> 20, peak.get() >> 20,
                (peak.get() - before) >> 20);
        out("1M CPU (%s): %s", kind, cpu.describe(took));
        // what the growth is made of: the largest classes of the live heap (jcmd GC.class_histogram, after a collection)
        BenchSupport.Histogram live = BenchSupport.histogram(pid, 15);
        out("1M live heap after (%s): %d MB; largest classes:%s", kind, live.liveBytes() >> 20, live.top());
        if (MILLION_FLAG) {
            assertEquals(Math.min(MILLION, USERS), flagged, "every distinct user flagged once");
        }
        autovacuum.close();
    }

    private double bulk(BreachApi api, String incident, int from, int count) throws Exception {
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"" + incident + "\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        StringBuilder nd = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            nd.append("{\"email\":\"dev").append(i).append("@bench.test\"}\n");
        }
        long wall = System.currentTimeMillis();
        long s = System.nanoTime();
        BreachApi.Reply rep = api.post("/incidents/" + incident + "/flags", "application/x-ndjson", nd.toString());
        assertEquals(202, rep.status(), rep.toString());
        double accepted = secs(s);
        JsonNode job = api.awaitJob(rep.json().get("id").asText(), Duration.ofHours(1), POLL);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        double total = (finishedAt(job) - wall) / 1000.0;
        int done = job.at("/counts/flagged").asInt() + job.at("/counts/alreadyFlagged").asInt();
        assertEquals(count, done, job.toString());
        out("endpoint %s: %d users, accepted (all items stored) in %.2f s, finished in %.1f s = %.0f users/s; after the intake %.0f users/s"
                + " (flagged %d, already %d)", incident, count, accepted, total, count / total, count / (total - accepted),
                job.at("/counts/flagged").asInt(), job.at("/counts/alreadyFlagged").asInt());
        return count / total;
    }

    /**
     * The floor (issue 15): the essential writes of flagging {@code count} users, issued as raw JDBC from this JVM on the
     * same database, per chunk of {@link #CHUNK} in one transaction: one SELECT of the users' ids by email, multi-row
     * INSERTs (100 rows per statement, as the product's) of the flags and their first history entries with the
     * product's columns, one not-before UPDATE of the users (what revoking their sessions writes). Nothing else: no job
     * items, no lease, no rights check, no per-item outcome. A fresh incident of the same users; returns users/s.
     */
    private double floor(BreachApi api, String incident, int from, int count) throws Exception {
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"" + incident + "\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        TestDatabases.Fresh db = kc.database();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.setAutoCommit(false);
            String realmId;
            String incidentId;
            try (PreparedStatement ps = c.prepareStatement("select i.REALM_ID, i.ID from BR_INCIDENT i join REALM r on r.ID = i.REALM_ID"
                    + " where r.NAME = ? and i.INCIDENT_KEY = ?")) {
                ps.setString(1, REALM);
                ps.setString(2, incident);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), incident);
                    realmId = rs.getString(1);
                    incidentId = rs.getString(2);
                }
            }
            c.commit();
            long s = System.nanoTime();
            int flagged = 0;
            for (int at = from; at < from + count; at += CHUNK) {
                int size = Math.min(CHUNK, from + count - at);
                long now = System.currentTimeMillis();
                List<String> ids = new ArrayList<>(size);
                // by email alone, the realm checked here: the product's look-up (KeycloakTables.storedUsers), which keeps
                // PostgreSQL's generic plan from walking the realm's users
                try (PreparedStatement ps = c.prepareStatement("select ID, REALM_ID from USER_ENTITY where EMAIL in ("
                        + String.join(", ", java.util.Collections.nCopies(size, "?")) + ")")) {
                    for (int i = 0; i < size; i++) {
                        ps.setString(i + 1, "dev" + (at + i) + "@bench.test");
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (realmId.equals(rs.getString(2))) {
                                ids.add(rs.getString(1));
                            }
                        }
                    }
                }
                if (ids.isEmpty()) {
                    c.commit();
                    continue;
                }
                if ("postgres".equals(kc.databaseVendor())) {
                    // custom plans for this transaction, as the product's writer sets them around the history insert
                    // (CustomPlans: each history row's foreign-key check reads the growing BR_FLAG)
                    try (PreparedStatement ps = c.prepareStatement("select set_config('plan_cache_mode', 'force_custom_plan', true)")) {
                        ps.execute();
                    }
                }
                List<Object[]> flags = new ArrayList<>(ids.size());
                List<Object[]> history = new ArrayList<>(ids.size());
                for (String userId : ids) {
                    String flagId = UUID.randomUUID().toString();
                    flags.add(new Object[] {flagId, realmId, incidentId, userId, "FLAGGED", now, "admin:bench", now, 0L, now});
                    history.add(new Object[] {UUID.randomUUID().toString(), flagId, incidentId, 0, "TRANSITION", null, "FLAGGED", now,
                            "admin:bench", "bulk"});
                }
                insert(c, "BR_FLAG", List.of("ID", "REALM_ID", "INCIDENT_ID", "USER_ID", "STATE", "FLAGGED_AT", "FLAGGED_BY", "UPDATED_AT",
                        "VERSION", "NEXT_DUE_AT"), flags);
                insert(c, "BR_FLAG_HISTORY", List.of("ID", "FLAG_ID", "INCIDENT_ID", "SEQ", "KIND", "FROM_STATE", "TO_STATE", "CHANGED_AT",
                        "ACTOR", "CAUSE"), history);
                try (PreparedStatement ps = c.prepareStatement("update USER_ENTITY set NOT_BEFORE = ? where ID in ("
                        + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")")) {
                    ps.setInt(1, (int) (now / 1000));
                    for (int i = 0; i < ids.size(); i++) {
                        ps.setString(i + 2, ids.get(i));
                    }
                    ps.executeUpdate();
                }
                c.commit();
                flagged += ids.size();
            }
            double secs = secs(s);
            assertEquals(count, flagged, "every user found and flagged");
            out("floor %s: %d users in %.1f s = %.0f users/s (raw JDBC, one client, chunk %d)", incident, count, secs, count / secs, CHUNK);
            return count / secs;
        }
    }

    /** Multi-row INSERTs of up to 100 rows, as the product's writer issues them (String, Long, Integer or null). */
    private static void insert(Connection c, String table, List<String> columns, List<Object[]> rows) throws Exception {
        for (int i = 0; i < rows.size(); i += 100) {
            List<Object[]> part = rows.subList(i, Math.min(rows.size(), i + 100));
            String one = "(" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
            try (PreparedStatement ps = c.prepareStatement("insert into " + table + " (" + String.join(", ", columns) + ") values "
                    + String.join(", ", java.util.Collections.nCopies(part.size(), one)))) {
                int p = 1;
                for (Object[] row : part) {
                    for (Object v : row) {
                        if (v == null) {
                            ps.setNull(p++, java.sql.Types.VARCHAR);
                        } else if (v instanceof Long l) {
                            ps.setLong(p++, l);
                        } else if (v instanceof Integer x) {
                            ps.setInt(p++, x);
                        } else {
                            ps.setString(p++, (String) v);
                        }
                    }
                }
                ps.executeUpdate();
            }
        }
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
