package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * Two Keycloak nodes ({@code --cache=ispn}, JDBC-ping discovery on one shared PostgreSQL database, distinct
 * ports), both running the reminder scheduler and the admin alerts' check every 5 s: over several ticks every reminder
 * goes out exactly once, every webhook delivery of the bulk job's flags arrives exactly once (both nodes' senders and
 * job polls at work), and the failing-deliveries alert of an endpoint nobody listens on is sent once. Then a user
 * node b found unflagged (and marked so beside its cached user) is flagged through node a and refused at b's next
 * login, also after a dismissal and a second flag; a flag written by SQL is not seen by b until Keycloak's user cache
 * is cleared (the documented remedy, and the proof that b's logins skip the table). Runs in the
 * PostgreSQL execution of the suite (a shared database is the point; H2 cannot be shared).
 */
class ClusterReminderIT {

    static final int USERS = 20;

    KeycloakProcess a;
    KeycloakProcess b;
    TestDatabases.Fresh db;
    GreenMail smtp;

    @AfterEach
    void stop() {
        if (b != null) {
            b.stop();
        }
        if (a != null) {
            a.stop();
        }
        if (db != null) {
            db.dropQuietly();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    KeycloakProcess node(String name, int http, int mgmt, int jgroups) throws Exception {
        return KeycloakProcess.install("cluster-" + name, http, mgmt, "start").database(db)
                .option("http-enabled", "true")
                .option("cache", "ispn")
                .option("spi-breach-reminders--default--interval-seconds", "5")
                .option("spi-breach-alerts--default--interval-seconds", "5")
                .env("JAVA_OPTS_APPEND", "-Xms256m -Xmx1g -Djgroups.bind.address=127.0.0.1 -Djgroups.bind.port=" + jgroups);
    }

    @Test
    void twoNodesSendEachReminderWebhookAndAlertExactlyOnce() throws Exception {
        assumeTrue("postgres".equals(System.getProperty("br.it.db")), "needs the shared PostgreSQL database of the postgres execution");
        db = TestDatabases.create("postgres", "br_cluster");
        smtp = new GreenMail(new ServerSetup(3125, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        a = node("a", 8180, 9180, 7800);
        b = node("b", 8280, 9280, 7801);
        a.start();
        b.start();
        awaitTwoMemberView();

        StringBuilder users = new StringBuilder("[");
        for (int i = 0; i < USERS; i++) {
            users.append(i == 0 ? "" : ",").append("{\"username\":\"dev").append(i).append("\",\"enabled\":true,\"email\":\"dev")
                    .append(i).append("@cluster.test\",\"firstName\":\"Dev\",\"lastName\":\"").append(i).append("\"}");
        }
        // a user with a password for the logins at the end (no reminder is due for them before then)
        for (String probe : new String[] {"probe", "probe2"}) {
            users.append(",{\"username\":\"").append(probe).append("\",\"enabled\":true,\"email\":\"").append(probe)
                    .append("@cluster.test\",\"firstName\":\"Pro\",\"lastName\":\"Be\",\"credentials\":[{\"type\":\"password\","
                            + "\"value\":\"").append(Realms.PASSWORD).append("\"}]}");
        }
        String realm = "{\"realm\":\"cluster\",\"enabled\":true,\"smtpServer\":{\"host\":\"127.0.0.1\",\"port\":\"3125\","
                + "\"from\":\"breach@cluster.test\"},\"users\":" + users.append("]") + "}";
        assertEquals(201, a.adminCall("POST", "/realms", realm).statusCode());
        BreachApi api = a.api("cluster");
        assertEquals(200, api.post("/setup", null, "").status(), "setup sets the breach-response email theme");
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Cluster leak\",\"exposedData\":[\"email\"],"
                + "\"policy\":{\"reminders\":{\"enabled\":true,\"afterDays\":[0]},\"deadlineDays\":0}}").status());
        // a webhook receiver in this JVM, counting each message id; and an endpoint nobody listens on, for the alert
        Map<String, Integer> hooks = new java.util.concurrent.ConcurrentHashMap<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hooks.merge(exchange.getRequestHeaders().getFirst("webhook-id"), 1, Integer::sum);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        int closed = AdminAlertsIT.closedPort();
        assertEquals(201, api.postJson("/webhooks", "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                + "/hook\",\"events\":[\"flag.created\"]}").status());
        assertEquals(201, api.postJson("/webhooks", "{\"url\":\"http://127.0.0.1:" + closed + "/down\",\"events\":[\"flag.created\"]}").status());
        int quietHour = (java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour() + 12) % 24;
        assertEquals(200, api.putJson("/config", "{\"alerts\":{\"enabled\":true,\"contact\":\"soc@cluster.test\",\"digestHourUtc\":"
                + quietHour + ",\"failedDeliveries\":1}}").status());
        StringBuilder subjects = new StringBuilder("{\"subjects\":[");
        for (int i = 0; i < USERS; i++) {
            subjects.append(i == 0 ? "" : ",").append("{\"username\":\"dev").append(i).append("\"}");
        }
        String job = api.postJson("/incidents/leak/flags", subjects.append("]}").toString()).json().get("id").asText();
        assertEquals("SUCCEEDED", api.awaitJob(job, Duration.ofMinutes(2)).get("state").asText());

        // both schedulers tick every 5 s: wait for the emails, then at least three more ticks
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (smtp.getReceivedMessages().length < USERS + 1 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        Thread.sleep(Duration.ofSeconds(20).toMillis());

        receiver.stop(0);
        Map<String, Integer> perRecipient = new TreeMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            perRecipient.merge(m.getAllRecipients()[0].toString(), 1, Integer::sum);
        }
        assertEquals(1, perRecipient.remove("soc@cluster.test"), "one failing-deliveries alert from the two nodes' checks");
        assertEquals(USERS, perRecipient.size(), "every user got a reminder: " + perRecipient);
        assertEquals(USERS, hooks.size(), "a flag.created delivery per flagged user: " + hooks.size());
        assertTrue(hooks.values().stream().allMatch(n -> n == 1), "each delivered once: " + hooks);
        List<String> twice = new ArrayList<>();
        perRecipient.forEach((to, n) -> {
            if (n != 1) {
                twice.add(to + "=" + n);
            }
        });
        assertTrue(twice.isEmpty(), "exactly once each, got " + twice);
        assertEquals(USERS, api.get("/incidents/leak/reminders").json().at("/counts/SENT").asInt());
        assertTrue(Files.readString(a.home().resolve("server-1.log")).contains("Breach Response reminders scheduled every 5 s"));
        assertTrue(Files.readString(b.home().resolve("server-1.log")).contains("Breach Response reminders scheduled every 5 s"));

        // node b's logins skip the flag table for a user they found unflagged (a mark on Keycloak's cached user);
        // a flag set on node a, by an incident that revokes no sessions, is enforced at b's next login all the same
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"quiet\",\"title\":\"No revocation\",\"exposedData\":[\"email\"],"
                + "\"policy\":{\"revokeSessions\":false}}").status());
        String probe = userId("probe");
        signsInTwiceOnB("probe");
        assertEquals(201, api.put("/incidents/quiet/flags/" + probe).status());
        refusedOnB("probe");
        assertEquals(200, api.postJson("/incidents/quiet/flags/" + probe + "/dismissal", "{\"reason\":\"false positive\"}").status());
        signsInTwiceOnB("probe");
        assertEquals(201, api.put("/incidents/quiet/flags/" + probe).status(), "flagged again");
        refusedOnB("probe");

        // a flag written past the extension (here SQL, as a restored backup would) is not seen while b's mark holds;
        // clearing Keycloak's user cache, as docs/upgrading.md says to, makes b read it: this also shows the marks at work
        String probe2 = userId("probe2");
        signsInTwiceOnB("probe2");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             java.sql.PreparedStatement copy = c.prepareStatement("INSERT INTO BR_FLAG (ID, REALM_ID, INCIDENT_ID, USER_ID, STATE,"
                     + " FLAGGED_AT, FLAGGED_BY, UPDATED_AT, VERSION, NEXT_DUE_AT) SELECT ?, REALM_ID, INCIDENT_ID, ?, STATE, FLAGGED_AT,"
                     + " FLAGGED_BY, UPDATED_AT, VERSION, NEXT_DUE_AT FROM BR_FLAG WHERE USER_ID = ?")) {
            copy.setString(1, java.util.UUID.randomUUID().toString());
            copy.setString(2, probe2);
            copy.setString(3, probe);
            assertEquals(1, copy.executeUpdate(), "probe's one flag copied to probe2");
        }
        signsInTwiceOnB("probe2");
        assertEquals(204, a.adminCall("POST", "/realms/cluster/clear-user-cache", null).statusCode());
        refusedOnB("probe2");
    }

    private String userId(String username) throws Exception {
        HttpResponse<String> found = a.adminCall("GET", "/realms/cluster/users?exact=true&username=" + username, null);
        return BreachApi.JSON.readTree(found.body()).get(0).get("id").asText();
    }

    private void signsInTwiceOnB(String username) {
        for (int i = 0; i < 2; i++) {
            JsonNode r = Realms.passwordGrant(b.baseUrl(), "cluster", username, Realms.PASSWORD, null);
            assertEquals(200, r.get("_status").asInt(), username + " signs in on node b: " + r.path("error") + " " + r.path("error_description"));
        }
    }

    private void refusedOnB(String username) {
        JsonNode r = Realms.passwordGrant(b.baseUrl(), "cluster", username, Realms.PASSWORD, null);
        assertEquals(400, r.get("_status").asInt(), "node b enforces the flag set on node a (got tokens)");
        assertEquals("invalid_grant", r.get("error").asText(), r.toString());
    }

    private void awaitTwoMemberView() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String log = Files.readString(a.home().resolve("server-1.log")) + Files.readString(b.home().resolve("server-1.log"));
            if (log.matches("(?s).*ISPN000094: Received new cluster view.*\\(2\\).*")) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the two nodes did not form a cluster within 120 s");
    }
}
