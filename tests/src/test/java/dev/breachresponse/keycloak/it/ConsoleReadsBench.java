package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Benchmark, not a test: {@code ./mvnw verify -Pbench -Dit.test=ConsoleReadsBench}. What the incident console reads,
 * at the size issue 13 names: a realm of 1,000,000 users (PostgreSQL, production mode), an incident of 100,000
 * flags flagged through the bulk endpoint and spread over 30 days of history, and an incident of 1,000,000 open
 * flags for the export. Prints, per read, the latency seen over loopback (p50/p95 of {@link #RUNS} calls after a
 * warm-up: an upper bound of the server time) beside Keycloak's own admin read of the same kind in the same run
 * (user list page, user search, user count), the export's rows/s beside a raw JDBC read of the same rows and its
 * heap growth, and the console's first render in headless Chromium beside Keycloak's admin console for the same
 * realm and admin. Asserts only correctness (status codes, row counts).
 */
class ConsoleReadsBench {

    static final int USERS = Integer.getInteger("bench.console.users", 1_000_000);
    static final int FLAGS = Integer.getInteger("bench.console.flags", 100_000);
    static final int RUNS = Integer.getInteger("bench.console.runs", 30);
    static final String REALM = "bench";
    static final long DAY = 86_400_000L;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static KeycloakProcess kc;
    static String realmId;

    @BeforeAll
    static void start() throws Exception {
        kc = BenchSupport.server("console-bench");
        kc.start();
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
    }

    @Test
    void consoleReads() throws Exception {
        out("configuration: Keycloak %s production mode, %s, %d users, incident of %d flags, incident of %d open flags, 2 cores",
                System.getProperty("br.keycloak.version"), kc.databaseVendor(), USERS, FLAGS, USERS);
        BreachApi api = kc.api(REALM);
        seed(api);

        // 1. the funnel: the incident with its counts, and its daily series (30 days)
        section("funnel (incident of " + FLAGS + " flags, 30 days)");
        Stats counts = time("GET /users/count (Keycloak, baseline)", admin("/realms/" + REALM + "/users/count"));
        Stats incident = time("GET /incidents/bench-100k (counts per state)", breach("/incidents/bench-100k"));
        Stats daily = time("GET /incidents/bench-100k/stats/daily", breach("/incidents/bench-100k/stats/daily"));
        time("GET /incidents (both incidents with counts and last activity)", breach("/incidents"));
        JsonNode days = api.get("/incidents/bench-100k/stats/daily").json();
        out("daily series: %s", days.toString().length() > 300 ? days.toString().substring(0, 300) + "…" : days);
        out("funnel (incident + daily) p50 %.1f ms, p95 %.1f ms; ratio to Keycloak's user count p50 %.2f",
                incident.p50 + daily.p50, incident.p95 + daily.p95, (incident.p50 + daily.p50) / counts.p50);

        // 2. pages of the flags table, against Keycloak's own user list at a like offset and search
        section("flags table pages (50 rows)");
        Stats kcFirst = time("GET /users?first=0&max=50 (Keycloak, baseline)", admin("/realms/" + REALM + "/users?first=0&max=50&briefRepresentation=true"));
        Stats kcDeep = time("GET /users?first=99950&max=50 (Keycloak, baseline)", admin("/realms/" + REALM + "/users?first=99950&max=50&briefRepresentation=true"));
        Stats kcSearch = time("GET /users?search=dev12345 (Keycloak, baseline)", admin("/realms/" + REALM + "/users?search=dev12345&max=50&briefRepresentation=true"));
        Stats kcBroad = time("GET /users?search=dev1 (Keycloak, baseline)", admin("/realms/" + REALM + "/users?search=dev1&max=50&briefRepresentation=true"));
        List<Stats> ours = new ArrayList<>();
        ours.add(time("flags first page", breach("/incidents/bench-100k/flags?max=50")));
        ours.add(time("flags state=open first page", breach("/incidents/bench-100k/flags?state=open&max=50")));
        ours.add(time("flags state=open page 500", breach("/incidents/bench-100k/flags?state=open&first=25000&max=50")));
        ours.add(time("flags state=FLAGGED middle page", breach("/incidents/bench-100k/flags?state=FLAGGED&first=25000&max=50")));
        ours.add(time("flags last page", breach("/incidents/bench-100k/flags?first=" + (FLAGS - 50) + "&max=50")));
        ours.add(time("flags q=dev12345 (11 users match, 1 flagged)", breach("/incidents/bench-100k/flags?q=dev12345&max=50")));
        ours.add(time("flags q=dev99 (11,111 users match)", breach("/incidents/bench-100k/flags?q=dev99&max=50")));
        ours.add(time("flags q=dev99 page 10", breach("/incidents/bench-100k/flags?q=dev99&first=450&max=50")));
        ours.add(time("flags q=dev1 (111,111 users match) first page", breach("/incidents/bench-100k/flags?q=dev1&max=50")));
        ours.add(time("flags q=dev1 state=FLAGGED page 20", breach("/incidents/bench-100k/flags?q=dev1&state=FLAGGED&first=1000&max=50")));
        ours.add(time("flags q=nobody (no user matches)", breach("/incidents/bench-100k/flags?q=nobody&max=50")));
        double worst = ours.stream().mapToDouble(s -> s.p95).max().orElse(0);
        out("flags pages: worst p95 %.1f ms; Keycloak's user list p95 first %.1f / deep %.1f / search %.1f / broad search %.1f ms",
                worst, kcFirst.p95, kcDeep.p95, kcSearch.p95, kcBroad.p95);

        // 3. the export of 1,000,000 open flags: streamed, heap flat
        section("export of " + USERS + " open flags");
        export();

        // 4. the console's first render in headless Chromium
        section("first render in headless Chromium");
        render(api);
    }

    // --- fixture -----------------------------------------------------------------------------------------------

    /**
     * The realm and an admin through the admin API; 1M users straight into USER_ENTITY (JDBC); incident
     * bench-100k flagged through the bulk endpoint, then moved along with SQL (its history backdated over 30
     * days; about 45% stepped up, a quarter of all remediated, 1% dismissed) as if the response had run a month; incident bench-1m
     * holding every user of the realm as FLAGGED, written with one INSERT … SELECT (FlagThroughputBench measures
     * the bulk endpoint itself).
     */
    private void seed(BreachApi api) throws Exception {
        long t0 = System.nanoTime();
        assertEquals(201, kc.adminCall("POST", "/realms", "{\"realm\":\"" + REALM + "\",\"enabled\":true}").statusCode());
        realmId = BreachApi.JSON.readTree(kc.adminCall("GET", "/realms/" + REALM, null).body()).get("id").asText();
        BenchSupport.seedUsers(kc.database(), realmId, 0, USERS);
        out("seeded %d users in %.1f s", USERS, secs(t0));
        createAdmin();
        assertEquals(200, api.post("/setup", null, "").status());
        BenchSupport.analyze(kc);

        long f0 = System.nanoTime();
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"bench-100k\",\"title\":\"Vendor analytics leak\",\"exposedData\":[\"email\"]}").status());
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < FLAGS; i++) {
            nd.append("{\"email\":\"dev").append(i).append("@bench.test\"}\n");
        }
        BreachApi.Reply rep = api.post("/incidents/bench-100k/flags", "application/x-ndjson", nd.toString());
        assertEquals(202, rep.status(), rep.toString());
        JsonNode job = api.awaitJob(rep.json().get("id").asText(), Duration.ofHours(1));
        assertEquals(FLAGS, job.at("/counts/flagged").asInt(), job.toString());
        out("bench-100k: %d users flagged through the bulk endpoint in %.1f s", FLAGS, secs(f0));

        assertEquals(201, api.postJson("/incidents", "{\"id\":\"bench-1m\",\"title\":\"Everyone\",\"exposedData\":[\"email\"]}").status());
        long s0 = System.nanoTime();
        try (Connection c = jdbc()) {
            c.setAutoCommit(false);
            String hundredK = rowId(c, "bench-100k");
            String million = rowId(c, "bench-1m");
            long origin = System.currentTimeMillis() - 30 * DAY;
            // a month of response: flagged over the first 3 days, then stepped up, remediated, dismissed
            update(c, "update BR_INCIDENT set CREATED_AT = ? where ID = ?", origin, hundredK);
            update(c, "update BR_FLAG set FLAGGED_AT = ? + mod(abs(hashtext(ID)::bigint), 3 * 86400000) where INCIDENT_ID = ?", origin, hundredK);
            update(c, "update BR_FLAG_HISTORY h set CHANGED_AT = f.FLAGGED_AT from BR_FLAG f where f.ID = h.FLAG_ID and h.INCIDENT_ID = ?", hundredK);
            move(c, hundredK, "FLAGGED", "STEPPED_UP", "FLAGGED_AT", "STEPPED_UP_AT", 45, 25, 1);
            move(c, hundredK, "STEPPED_UP", "REMEDIATED", "STEPPED_UP_AT", "REMEDIATED_AT", 55, 3, 2);
            update(c, "update BR_FLAG set STATE = 'DISMISSED', DISMISSED_AT = FLAGGED_AT + " + DAY + ", DISMISSED_BY = 'bench', DISMISS_REASON = 'bench'"
                    + " where INCIDENT_ID = ? and STATE = 'FLAGGED' and mod(abs(hashtext(ID)::bigint), 100) between 95 and 96", hundredK);
            update(c, "insert into BR_FLAG_HISTORY (ID, FLAG_ID, SEQ, FROM_STATE, TO_STATE, CHANGED_AT, ACTOR, CAUSE, KIND, INCIDENT_ID)"
                    + " select gen_random_uuid()::text, f.ID, 1, 'FLAGGED', 'DISMISSED', f.DISMISSED_AT, 'bench', 'admin-dismiss', 'TRANSITION', f.INCIDENT_ID"
                    + " from BR_FLAG f where f.INCIDENT_ID = ? and f.STATE = 'DISMISSED'", hundredK);
            update(c, "insert into BR_FLAG (ID, REALM_ID, INCIDENT_ID, USER_ID, STATE, FLAGGED_AT, FLAGGED_BY, UPDATED_AT, VERSION, GRACE_SKIPS, OBSERVED_LOGINS)"
                    + " select gen_random_uuid()::text, u.REALM_ID, ?, u.ID, 'FLAGGED', ?, 'bench', ?, 0, 0, 0 from USER_ENTITY u where u.REALM_ID = ? and u.USERNAME like 'dev%'",
                    million, System.currentTimeMillis(), System.currentTimeMillis(), realmId);
            c.commit();
        }
        out("moved bench-100k along a month and wrote bench-1m (%d flags) with SQL in %.1f s", USERS, secs(s0));
        vacuum();
        JsonNode counts = api.get("/incidents/bench-100k").json();
        out("bench-100k counts: %s", counts.get("counts"));
    }

    /**
     * Moves pct% of the incident's flags in state {@code from} to {@code to}, 1 to {@code days} days after the time
     * in {@code baseColumn}, with the history row a writer would add (sequence {@code seq}).
     */
    private static void move(Connection c, String incident, String from, String to, String baseColumn, String atColumn, int pct, int days,
                             int seq) throws Exception {
        update(c, "update BR_FLAG set STATE = ?, " + atColumn + " = " + baseColumn + " + ? * (1 + mod(abs(hashtext(ID || ?)::bigint), ?))"
                + " where INCIDENT_ID = ? and STATE = ? and mod(abs(hashtext(ID || 'pick' || ?)::bigint), 100) < ?",
                to, DAY, to, days, incident, from, to, pct);
        update(c, "insert into BR_FLAG_HISTORY (ID, FLAG_ID, SEQ, FROM_STATE, TO_STATE, CHANGED_AT, ACTOR, CAUSE, KIND, INCIDENT_ID)"
                + " select gen_random_uuid()::text, f.ID, ?, ?, ?, f." + atColumn + ", 'bench', 'login', 'TRANSITION', f.INCIDENT_ID"
                + " from BR_FLAG f where f.INCIDENT_ID = ? and f." + atColumn + " is not null", seq, from, to, incident);
    }

    private void createAdmin() throws Exception {
        String user = "{\"username\":\"responder\",\"enabled\":true,\"email\":\"responder@bench.test\",\"firstName\":\"Bench\",\"lastName\":\"Responder\","
                + "\"emailVerified\":true,\"credentials\":[{\"type\":\"password\",\"value\":\"" + Realms.PASSWORD + "\",\"temporary\":false}]}";
        assertEquals(201, kc.adminCall("POST", "/realms/" + REALM + "/users", user).statusCode());
        String uid = BreachApi.JSON.readTree(kc.adminCall("GET", "/realms/" + REALM + "/users?exact=true&username=responder", null).body()).get(0).get("id").asText();
        String client = BreachApi.JSON.readTree(kc.adminCall("GET", "/realms/" + REALM + "/clients?clientId=realm-management", null).body()).get(0).get("id").asText();
        String role = kc.adminCall("GET", "/realms/" + REALM + "/clients/" + client + "/roles/realm-admin", null).body();
        assertEquals(204, kc.adminCall("POST", "/realms/" + REALM + "/users/" + uid + "/role-mappings/clients/" + client, "[" + role + "]").statusCode());
    }

    // --- export ------------------------------------------------------------------------------------------------

    /**
     * Two exports of the same 1,000,000 rows: the first timed and its heap sampled as used (garbage included, as
     * the young generation fills between collections); the second with the live heap sampled, a full GC then a
     * reading every 2 s (jcmd GC.run: slows that export, which is not timed), which is what "heap growth" means.
     */
    private void export() throws Exception {
        long pid = kc.javaPid();
        long before = BenchSupport.heapUsedAfterGc(pid);
        AtomicLong peak = new AtomicLong(before);
        double[] timed = exportOnce(sampler(() -> peak.accumulateAndGet(BenchSupport.heapUsed(pid), Math::max), 250));
        out("export: %d rows (%d MB) in %.1f s = %.0f rows/s, first line after %.2f s; heap used (garbage included) peak %d MB,"
                + " %d MB over the baseline after GC (%d MB)", (long) timed[0], (long) timed[1] >> 20, timed[2], timed[0] / timed[2], timed[3],
                peak.get() >> 20, (peak.get() - before) >> 20, before >> 20);
        BenchSupport.Histogram base = BenchSupport.histogram(pid, 12);
        AtomicLong live = new AtomicLong(base.liveBytes());
        AtomicLong samples = new AtomicLong();
        String[] atPeak = {""};
        double[] sampled = exportOnce(sampler(() -> {
            try {
                BenchSupport.Histogram h = BenchSupport.histogram(pid, 12);
                if (h.liveBytes() > live.get()) {
                    live.set(h.liveBytes());
                    atPeak[0] = h.top();
                }
                samples.incrementAndGet();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 2000));
        long after = BenchSupport.histogram(pid, 0).liveBytes();
        out("export again with the live objects counted (jcmd GC.class_histogram every 2 s, %d samples, %.1f s): live before %d MB,"
                + " peak while streaming %d MB (growth %d MB), after %d MB", samples.get(), sampled[2], base.liveBytes() >> 20, live.get() >> 20,
                (live.get() - base.liveBytes()) >> 20, after >> 20);
        out("largest classes before:%s", base.top());
        out("largest classes at the peak:%s", atPeak[0]);

        // the floor: the same rows read with JDBC from this process, streamed with a fetch size
        floor(timed[0] / timed[2]);
    }

    private static Thread sampler(Runnable sample, long everyMillis) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sample.run();
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap");
        t.setDaemon(true);
        return t;
    }

    /** @return rows (without the header), bytes, seconds, seconds to the first line */
    private double[] exportOnce(Thread sampler) throws Exception {
        sampler.start();
        long e0 = System.nanoTime();
        HttpResponse<InputStream> r = HTTP.send(request("/admin/realms/" + REALM + "/breach-response/incidents/bench-1m/flags/export?state=open"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        long rows = 0;
        long bytes = 0;
        double firstByte = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (rows == 0) {
                    firstByte = secs(e0);
                }
                rows++;
                bytes += line.length() + 1;
            }
        }
        double exportSecs = secs(e0);
        sampler.interrupt();
        sampler.join();
        assertEquals(USERS + 1, rows, "header and one row per open flag");
        return new double[] {rows - 1, bytes, exportSecs, firstByte};
    }

    private void floor(double exportRowsPerSecond) throws Exception {
        long j0 = System.nanoTime();
        long jdbcRows = 0;
        try (Connection c = jdbc()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("select f.USER_ID, u.USERNAME, u.EMAIL, f.STATE, f.FLAGGED_AT from BR_FLAG f"
                    + " left join USER_ENTITY u on u.ID = f.USER_ID where f.INCIDENT_ID = ? and f.STATE in ('FLAGGED', 'STEPPED_UP') order by f.USER_ID")) {
                ps.setString(1, rowId(c, "bench-1m"));
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jdbcRows++;
                    }
                }
            }
        }
        double jdbcSecs = secs(j0);
        assertEquals(USERS, jdbcRows);
        out("raw JDBC read of the same rows (floor): %.1f s = %.0f rows/s; export / floor = %.2f", jdbcSecs, jdbcRows / jdbcSecs,
                exportRowsPerSecond / (jdbcRows / jdbcSecs));
    }

    // --- browser -----------------------------------------------------------------------------------------------

    /**
     * Signs in once (the SSO session stays), then loads each page anew {@code bench.console.renders} times: the
     * console's incident page until the funnel shows its figures, and Keycloak's admin console for the same realm
     * until its navigation is there. Each load starts a new page: the code flow through the SSO session included,
     * as an admin opening a bookmark sees it.
     */
    private void render(BreachApi api) {
        int renders = Integer.getInteger("bench.console.renders", 7);
        String console = kc.baseUrl() + "/realms/" + REALM + "/breach-response/console/";
        String adminConsole = kc.baseUrl() + "/admin/" + REALM + "/console/";
        ChromeDriver chrome = ConsoleBrowserIT.chromium(null);
        try {
            chrome.get(console);
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("kc-login")));
            new LoginPages(chrome).submitPassword("responder");
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-main")));
            String expected = api.get("/incidents/bench-100k").json().at("/counts/FLAGGED").asText();
            double[] ours = new double[renders];
            double[] list = new double[renders];
            double[] theirs = new double[renders];
            for (int i = 0; i < renders; i++) {
                chrome.get("about:blank");
                long t = System.nanoTime();
                chrome.get(console + "#/incident/bench-100k");
                wait(chrome).until(d -> !d.findElements(By.id("br-funnel-flagged")).isEmpty()
                        && !d.findElement(By.id("br-funnel-flagged")).getText().isBlank());
                wait(chrome).until(d -> !d.findElements(By.cssSelector("#br-chart canvas, .uplot canvas")).isEmpty());
                ours[i] = (System.nanoTime() - t) / 1e6;

                chrome.get("about:blank");
                t = System.nanoTime();
                chrome.get(console);
                wait(chrome).until(d -> !d.findElements(By.cssSelector("#br-incidents tbody tr")).isEmpty());
                list[i] = (System.nanoTime() - t) / 1e6;

                chrome.get("about:blank");
                t = System.nanoTime();
                chrome.get(adminConsole);
                wait(chrome).until(d -> {
                    String text = d.findElement(By.tagName("body")).getText();
                    return text.contains("Realm settings") && text.contains("Users");
                });
                theirs[i] = (System.nanoTime() - t) / 1e6;
            }
            out("funnel figures shown %s", "(" + expected + " FLAGGED expected)");
            Stats o = Stats.of(ours);
            Stats l = Stats.of(list);
            Stats k = Stats.of(theirs);
            out("console incident page (figures and chart): median %.0f ms, max %.0f ms over %d loads", o.p50, o.max, renders);
            out("console incidents list: median %.0f ms, max %.0f ms", l.p50, l.max);
            out("Keycloak admin console for the same realm and admin (baseline): median %.0f ms, max %.0f ms; ratio ours/Keycloak %.2f",
                    k.p50, k.max, o.p50 / k.p50);
        } finally {
            chrome.quit();
        }
    }

    private static WebDriverWait wait(ChromeDriver chrome) {
        return ConsoleBrowserIT.wait(chrome);
    }

    // --- timing ------------------------------------------------------------------------------------------------

    record Stats(double p50, double p95, double max) {
        static Stats of(double[] ms) {
            double[] s = ms.clone();
            Arrays.sort(s);
            return new Stats(s[s.length / 2], s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.95) - 1)], s[s.length - 1]);
        }
    }

    /** Warm-up of 5 calls, then {@link #RUNS} timed calls (the whole HTTP exchange over loopback, body read). */
    private static Stats time(String what, Supplier<HttpRequest> request) throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = HTTP.send(request.get(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), what + ": " + r.body());
        }
        double[] ms = new double[RUNS];
        String total = null;
        int rows = 0;
        for (int i = 0; i < RUNS; i++) {
            HttpRequest req = request.get();
            long t = System.nanoTime();
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - t) / 1e6;
            assertEquals(200, r.statusCode(), what + ": " + r.body());
            total = r.headers().firstValue("X-Total-Count").orElse(null);
            JsonNode body = BreachApi.JSON.readTree(r.body());
            rows = body.isArray() ? body.size() : -1;
        }
        Stats s = Stats.of(ms);
        out("%-62s p50 %6.1f ms  p95 %6.1f ms%s", what, s.p50, s.p95,
                (rows >= 0 ? "  (" + rows + " rows" + (total == null ? "" : ", X-Total-Count " + total) + ")" : ""));
        assertTrue(rows != 0 || what.contains("nobody"), what + " listed nothing");
        return s;
    }

    private static Supplier<HttpRequest> breach(String path) {
        return () -> request("/admin/realms/" + REALM + "/breach-response" + path);
    }

    private static Supplier<HttpRequest> admin(String path) {
        return () -> request("/admin" + path);
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(kc.baseUrl() + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + kc.adminToken()).GET().build();
    }

    // --- database ----------------------------------------------------------------------------------------------

    private static Connection jdbc() throws Exception {
        TestDatabases.Fresh db = kc.database();
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    /**
     * VACUUM (ANALYZE) of the tables read, standing in for autovacuum (off on this machine's PostgreSQL), which in
     * production vacuums a table after many inserts (autovacuum_vacuum_insert_threshold, PostgreSQL 13+) and so sets
     * the visibility map that index-only scans (the counts per state) rely on; ANALYZE alone leaves it unset.
     */
    private static void vacuum() throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = jdbc(); var st = c.createStatement()) {
            st.execute("VACUUM (ANALYZE) BR_FLAG, BR_FLAG_HISTORY, BR_INCIDENT, USER_ENTITY");
        }
        out("VACUUM (ANALYZE) of BR_FLAG, BR_FLAG_HISTORY, BR_INCIDENT, USER_ENTITY in %.1f s (autovacuum's work in production)", secs(t0));
    }

    private static String rowId(Connection c, String key) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select ID from BR_INCIDENT where REALM_ID = ? and INCIDENT_KEY = ?")) {
            ps.setString(1, realmId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), key);
                return rs.getString(1);
            }
        }
    }

    private static int update(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static void section(String name) {
        out("--- %s", name);
    }

    private static double secs(long startNanos) {
        return BenchSupport.secs(startNanos);
    }

    private static void out(String fmt, Object... args) {
        BenchSupport.out(fmt, args);
    }
}
