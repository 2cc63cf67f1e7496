package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * Benchmark, not a test: {@code ./mvnw verify -Pbench -Dit.test=ReminderTickBench}. One Keycloak (production
 * mode, PostgreSQL) with 100k open flags; the planner's slice (one tick: batch 500, or {@code -Dbench.reminder.batch})
 * and the sender (cap 200,
 * to an SMTP server in this JVM) are timed through {@code POST .../reminders/run}, first with 100k users, then
 * after 900k more users without flags are added: the tick must not grow with users. Heap after GC before and
 * after. Prints figures; asserts only that the runs did their work.
 */
class ReminderTickBench {

    static final int FLAGS = Integer.getInteger("bench.reminder.flags", 100_000);
    static final int USERS = Integer.getInteger("bench.reminder.users", 1_000_000);
    static final int RUNS = Integer.getInteger("bench.reminder.runs", 15);
    static final int BATCH = Integer.getInteger("bench.reminder.batch", 500);
    static final int CAP = Integer.getInteger("bench.reminder.cap", 200);

    static KeycloakProcess kc;
    static GreenMail smtp;

    @BeforeAll
    static void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(3128, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        kc = KeycloakProcess.forThisRun("reminder-bench", "start")
                .option("http-enabled", "true")
                .option("spi-breach-reminders--default--interval-seconds", "86400")
                .option("spi-breach-reminders--default--batch-size", Integer.toString(BATCH))
                .option("spi-breach-reminders--default--send-cap", Integer.toString(CAP))
                .env("JAVA_OPTS_APPEND", "-Xms1g -Xmx2g");
        kc.start();
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void tickDurationAndHeap() throws Exception {
        BenchSupport.out("configuration: Keycloak %s production mode, %s, 2 cores; %d open flags; %d users in the end; batch %d, send cap %d; %d runs per phase",
                System.getProperty("br.keycloak.version"), kc.databaseVendor(), FLAGS, USERS, BATCH, CAP, RUNS);
        assertEquals(201, kc.adminCall("POST", "/realms", "{\"realm\":\"tick\",\"enabled\":true,\"smtpServer\":{\"host\":\"127.0.0.1\","
                + "\"port\":\"3128\",\"from\":\"breach@bench.test\"}}").statusCode());
        String realmId = BreachApi.JSON.readTree(kc.adminCall("GET", "/realms/tick", null).body()).get("id").asText();
        BreachApi api = kc.api("tick");
        assertEquals(200, api.post("/setup", null, "").status());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"tick\",\"title\":\"Tick\",\"exposedData\":[\"email\"],"
                + "\"policy\":{\"reminders\":{\"enabled\":true,\"afterDays\":[0]},\"deadlineDays\":0}}").status());

        long t0 = System.nanoTime();
        List<String> flagged = BenchSupport.seedUsers(kc.database(), realmId, 0, FLAGS);
        seedFlags(realmId, flagged);
        BenchSupport.out("seeded %d users and %d flags in %.1f s", FLAGS, FLAGS, BenchSupport.secs(t0));
        BenchSupport.analyze(kc);

        AutoCloseable autovacuum = BenchSupport.analyzeEvery(kc, 60);
        long pid = kc.javaPid();
        long heapBefore = BenchSupport.heapUsedAfterGc(pid);
        long[] a = runs(api, "with " + FLAGS + " users");
        long t1 = System.nanoTime();
        BenchSupport.seedUsers(kc.database(), realmId, FLAGS, USERS - FLAGS);
        BenchSupport.out("added %d users without flags in %.1f s", USERS - FLAGS, BenchSupport.secs(t1));
        BenchSupport.analyze(kc);
        long[] b = runs(api, "with " + USERS + " users");
        long heapAfter = BenchSupport.heapUsedAfterGc(pid);
        BenchSupport.out("tick (planner, batch " + BATCH + ") p50 %d ms -> %d ms when users grow %dx: ratio %.2f (target: tick <= 1 s, flat in users)",
                a[a.length / 2], b[b.length / 2], USERS / FLAGS, (double) b[b.length / 2] / Math.max(1, a[a.length / 2]));
        BenchSupport.out("heap used after GC: before %d MB, after %d MB (growth %d MB) over %d runs",
                heapBefore >> 20, heapAfter >> 20, (heapAfter - heapBefore) >> 20, 2 * RUNS);
        hygiene(api);
        autovacuum.close();
    }

    /** The hygiene walk over the same realm (1M users, none with a second factor): time per slice. */
    private static void hygiene(BreachApi api) {
        assertEquals(200, api.putJson("/config", "{\"hygiene\":{\"mfaNudges\":true}}").status());
        long[] walk = new long[RUNS];
        int walked = 0;
        int queued = 0;
        for (int i = 0; i < RUNS; i++) {
            JsonNode r = api.post("/hygiene/run", null, "").json();
            walk[i] = r.get("walkMillis").asLong();
            walked += r.get("walked").asInt();
            queued += r.get("queued").asInt();
        }
        assertTrue(walked > 0, "the walk looked at users");
        Arrays.sort(walk);
        BenchSupport.out("hygiene walk: %d slices looked at %d users and queued %d emails; slice p50 %d ms, max %d ms (hygiene-batch-size 1000)",
                RUNS, walked, queued, walk[RUNS / 2], walk[RUNS - 1]);
    }

    private static long[] runs(BreachApi api, String label) {
        long[] plan = new long[RUNS];
        long send = 0;
        int sent = 0;
        int looked = 0;
        for (int i = 0; i < RUNS; i++) {
            JsonNode r = api.post("/reminders/run", null, "").json();
            plan[i] = r.get("planMillis").asLong();
            send += r.get("sendMillis").asLong();
            sent += r.get("sent").asInt();
            looked += r.get("looked").asInt();
        }
        assertTrue(looked > 0 && sent > 0, "the runs did work");
        Arrays.sort(plan);
        BenchSupport.out("%s: planner looked at %d flags in %d runs, p50 %d ms, max %d ms per tick; sent %d emails at %.0f emails/s",
                label, looked, RUNS, plan[RUNS / 2], plan[RUNS - 1], sent, sent / Math.max(0.001, send / 1000.0));
        return plan;
    }

    /** Flags straight into BR_FLAG, due now (as flagging through the API leaves them). */
    private static void seedFlags(String realmId, List<String> userIds) throws Exception {
        TestDatabases.Fresh db = kc.database();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.setAutoCommit(false);
            String incident;
            try (PreparedStatement q = c.prepareStatement("select ID from BR_INCIDENT where REALM_ID = ? and INCIDENT_KEY = 'tick'")) {
                q.setString(1, realmId);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    incident = rs.getString(1);
                }
            }
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement("insert into BR_FLAG (ID, REALM_ID, INCIDENT_ID, USER_ID, STATE, FLAGGED_AT,"
                    + " FLAGGED_BY, UPDATED_AT, VERSION, NEXT_DUE_AT, GRACE_SKIPS) values (?, ?, ?, ?, 'FLAGGED', ?, 'system:bench', ?, 0, ?, 0)")) {
                int i = 0;
                for (String user : userIds) {
                    ps.setString(1, UUID.randomUUID().toString());
                    ps.setString(2, realmId);
                    ps.setString(3, incident);
                    ps.setString(4, user);
                    ps.setLong(5, now);
                    ps.setLong(6, now);
                    ps.setLong(7, now);
                    ps.addBatch();
                    if (++i % 5000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

}
