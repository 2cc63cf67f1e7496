package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A flag written through the store is still there after the server restarts, and after it is killed with
 * SIGKILL: the data lives in the database (H2 file, PostgreSQL or MariaDB), not in a cache. A restarted node purges
 * the stored subjects of jobs past the item retention.
 */
class RestartIT {

    static KeycloakProcess kc;

    @BeforeAll
    static void start() throws Exception {
        kc = KeycloakProcess.forThisRun("restart", "start-dev");
        kc.start();
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
    }

    @Test
    void flagSurvivesRestartAndKill() throws Exception {
        String realm = Realms.newName("restart");
        String userId = UUID.randomUUID().toString();
        String realmJson = BreachApi.JSON.writeValueAsString(java.util.Map.of(
                "realm", realm, "enabled", true,
                "users", List.of(java.util.Map.of("id", userId, "username", "dana", "enabled", true))));
        HttpResponse<String> created = kc.adminCall("POST", "/realms", realmJson);
        assertEquals(201, created.statusCode(), created.body());

        BreachApi api = kc.api(realm);
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"restart-1\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        assertEquals(201, api.put("/incidents/restart-1/flags/" + userId).status());

        kc.stop();
        kc.start();
        assertFlagged(kc.api(realm), userId, 1);

        kc.kill();
        kc.start();
        assertFlagged(kc.api(realm), userId, 1);
        BreachApi.Reply again = kc.api(realm).put("/incidents/restart-1/flags/" + userId);
        assertEquals("ALREADY_FLAGGED", again.json().get("outcome").asText());
    }

    @Test
    void aRestartedNodePurgesTheItemsAndPagesOfJobsPastTheRetentionBehindAThousandPurgedOnes() throws Exception {
        TestDatabases.Fresh db = kc.database();
        assumeTrue(db != null, "writes job rows straight into the run's PostgreSQL or MariaDB database");
        String realm = Realms.newName("purge");
        HttpResponse<String> created = kc.adminCall("POST", "/realms", BreachApi.JSON.writeValueAsString(java.util.Map.of(
                "realm", realm, "enabled", true,
                "users", List.of(java.util.Map.of("username", "erin", "email", "erin@example.test", "enabled", true)))));
        assertEquals(201, created.statusCode(), created.body());
        BreachApi api = kc.api(realm);
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"old\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        String job = api.postJson("/incidents/old/flags", "{\"subjects\":[{\"email\":\"erin@example.test\"},{\"email\":\"stranger@example.test\"}]}")
                .json().get("id").asText();
        assertEquals("SUCCEEDED", api.awaitJob(job, java.time.Duration.ofSeconds(60)).get("state").asText());

        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            assertEquals(0, rows(c, "BR_JOB_ITEM", job), "outcomes are kept a page per chunk");
            assertEquals(1, rows(c, "BR_JOB_PAGE", job));
            assertEquals(1, rows(c, "BR_JOB_RESULT", job));
            // and an item row, as a version before result pages left them
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB_ITEM (JOB_ID, SEQ, SUBJECT_TYPE, SUBJECT, OUTCOME)"
                    + " values (?, 2, 'EMAIL', 'earlier@example.test', 'NOT_FOUND')")) {
                ps.setString(1, job);
                assertEquals(1, ps.executeUpdate());
            }
            // 1,001 finished jobs whose items are long gone (a purge takes a thousand jobs at a time), then ours, finished
            // past the retention (30 days by default) after them
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB (ID, REALM_ID, INCIDENT_ID, STATE, DRY_RUN, CREATED_AT, CREATED_BY,"
                    + " ADMIN_REALM_ID, ADMIN_USER_ID, FINISHED_AT, SUBMITTED, PROCESSED, FLAGGED, ALREADY_FLAGGED, NOT_FOUND, INVALID, AMBIGUOUS,"
                    + " SESSIONS_REVOKED) select ?, REALM_ID, INCIDENT_ID, 'SUCCEEDED', DRY_RUN, 1000, CREATED_BY, ADMIN_REALM_ID, ADMIN_USER_ID, 1000,"
                    + " 0, 0, 0, 0, 0, 0, 0, 0 from BR_JOB where ID = ?")) {
                for (int i = 0; i < 1001; i++) {
                    // ids that sort before every UUID: a database that returns rows in key order without an ORDER BY
                    // (MariaDB) would reach the thousand fillers before our job
                    ps.setString(1, String.format("0-purged-%04d", i));
                    ps.setString(2, job);
                    ps.executeUpdate(); // one by one: MariaDB's driver cannot batch an INSERT ... SELECT
                }
            }
            try (PreparedStatement ps = c.prepareStatement("update BR_JOB set FINISHED_AT = 2000 where ID = ?")) {
                ps.setString(1, job);
                assertEquals(1, ps.executeUpdate());
            }
        }
        // each node purges on its first pass after start, then hourly
        kc.stop();
        kc.start();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (rows(c, "BR_JOB_ITEM", job) + rows(c, "BR_JOB_PAGE", job) + rows(c, "BR_JOB_RESULT", job) > 0) {
                assertTrue(System.currentTimeMillis() < deadline, "the job's items, page and result page were not purged");
                Thread.sleep(250);
            }
        }
        assertEquals("SUCCEEDED", kc.api(realm).get("/jobs/" + job).json().get("state").asText(), "the job itself is kept");
    }

    private static int rows(Connection c, String table, String job) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from " + table + " where JOB_ID = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void assertFlagged(BreachApi api, String userId, int expectedHistory) {
        JsonNode flags = api.get("/users/" + userId + "/flags").json();
        assertEquals(1, flags.size(), flags.toString());
        assertEquals("FLAGGED", flags.get(0).get("state").asText());
        assertEquals(expectedHistory, api.get("/incidents/restart-1/flags/" + userId).json().get("history").size());
    }
}
