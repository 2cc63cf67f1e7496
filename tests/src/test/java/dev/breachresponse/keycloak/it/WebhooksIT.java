package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpServer;

/**
 * Signed webhooks end to end: endpoints registered through the admin API, events made by the API, a bulk job and a
 * dismissal, delivered after commit to a receiver on loopback that checks every signature with the Standard Webhooks
 * reference library (an implementation independent of ours); retries keep the message id; redirects are not
 * followed; rotation signs with both secrets; bad input and missing rights are refused.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class WebhooksIT {

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    /** One request the receiver got: headers by lower-case name, and the body. */
    record Received(String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.get(name).get(0);
        }

        JsonNode json() {
            try {
                return BreachApi.JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    String realm;
    String dev0;
    BreachApi api;
    HttpServer receiver;
    String base;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger errorsToAnswer = new AtomicInteger();

    @BeforeEach
    void realmAndReceiver() throws IOException {
        realm = Realms.newName("hooks");
        dev0 = UUID.randomUUID().toString();
        Realms.create(admin, UUID.randomUUID().toString(), realm,
                List.of(Realms.user(dev0, "dev0"), Realms.user(null, "dev1"), Realms.user(null, "viewer")));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            Map<String, List<String>> headers = exchange.getRequestHeaders().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
            received.add(new Received(exchange.getRequestURI().getPath(), headers,
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            if (exchange.getRequestURI().getPath().equals("/moved")) {
                // 303 See Other: a client that follows redirects would follow it for a POST too (as a GET)
                exchange.getResponseHeaders().add("Location", base + "/hook");
                exchange.sendResponseHeaders(303, -1);
            } else {
                int status = errorsToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 204;
                exchange.sendResponseHeaders(status, -1);
            }
            exchange.close();
        });
        receiver.start();
        base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        timeOffSet.set(0);
        admin.realm(realm).remove();
    }

    @Test
    void eventsArriveSignedOncePerEventWithUsersByIdOnly() throws Exception {
        JsonNode hook = create("{\"url\":\"" + base + "/hook\",\"events\":[\"incident.opened\",\"flag.created\",\"flag.dismissed\","
                + "\"job.finished\"],\"description\":\"SIEM\"}");
        String secret = hook.get("secret").asText();
        assertTrue(secret.startsWith("whsec_"), hook.toString());
        JsonNode shown = api.get("/webhooks/" + hook.get("id").asText()).json();
        assertFalse(shown.has("secret"), "the secret is shown once: " + shown);
        assertFalse(api.get("/webhooks").body().contains(secret), "not in the list either");

        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\"]}").status());
        JsonNode job = api.awaitJob(api.postJson("/incidents/leak/flags",
                "{\"subjects\":[{\"username\":\"dev0\"},{\"username\":\"dev1\"},{\"username\":\"nobody\"}]}").json().get("id").asText(),
                Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        assertEquals(200, api.postJson("/incidents/leak/flags/" + dev0 + "/dismissal", "{\"reason\":\"Reported by Jane Doe\"}").status());
        // a repeated dismissal changes nothing (idempotent), so it tells no one
        assertEquals(200, api.postJson("/incidents/leak/flags/" + dev0 + "/dismissal", "{\"reason\":\"again\"}").status());

        awaitReceived(5);
        Thread.sleep(500);
        assertEquals(5, received.size(), "one delivery per event: " + types());
        Set<String> ids = new HashSet<>();
        for (Received r : received) {
            assertDoesNotThrow(() -> new Webhook(secret).verify(r.body(), r.headers()), "the reference library verifies " + r.body());
            assertTrue(r.header("content-type").startsWith("application/json"), r.headers().toString());
            assertTrue(ids.add(r.header("webhook-id")), "a message id per event");
            assertTrue(r.header("webhook-id").startsWith("msg_"));
            JsonNode data = r.json().get("data");
            assertFalse(data.has("email"), "no email unless the endpoint opts in: " + r.body());
            assertFalse(r.body().contains("@example.test"), r.body());
        }
        assertEquals(List.of("flag.created", "flag.created", "flag.dismissed", "incident.opened", "job.finished"),
                types().stream().sorted().toList());
        JsonNode created = ofType("flag.created").stream().filter(j -> dev0.equals(j.at("/data/userId").asText())).findFirst().orElseThrow();
        assertEquals("leak", created.at("/data/incident").asText(), created.toString());
        assertEquals("FLAGGED", created.at("/data/state").asText());
        assertTrue(created.get("timestamp").asText().endsWith("Z"), created.toString());
        JsonNode dismissed = ofType("flag.dismissed").get(0);
        assertEquals("FLAGGED", dismissed.at("/data/previousState").asText(), dismissed.toString());
        assertEquals("DISMISSED", dismissed.at("/data/state").asText());
        assertFalse(dismissed.toString().contains("Jane Doe"), "the free-text reason is not sent: " + dismissed);
        JsonNode finished = ofType("job.finished").get(0);
        assertEquals(2, finished.at("/data/counts/flagged").asInt(), finished.toString());
        assertEquals(1, finished.at("/data/counts/notFound").asInt(), finished.toString());
        assertEquals(job.get("id").asText(), finished.at("/data/jobId").asText());

        JsonNode log = awaitDeliveries(hook.get("id").asText(), "DELIVERED", 5);
        assertEquals(204, log.at("/deliveries/0/lastStatus").asInt(), log.toString());
        assertFalse(log.toString().contains("\"data\""), "the log shows no payloads: " + log);
    }

    @Test
    void aBulkJobsEventsAreStagedAndEachBecomesOneDeliveryPerEndpointEvenWhenOneIsDisabledMeanwhile() throws Exception {
        // 300 flags in one chunk: at least WebhookQueue.STAGE_AT_LEAST (20), so they are queued as one staged row per
        // endpoint, which the sender expands into delivery rows once no job runs; the row holds over 100 KB of events
        // (more than a MariaDB TEXT column takes)
        int n = 300;
        Set<String> userIds = new HashSet<>();
        List<org.keycloak.representations.idm.UserRepresentation> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var u = new org.keycloak.representations.idm.UserRepresentation();
            u.setId(UUID.randomUUID().toString());
            u.setUsername("bulk" + i);
            u.setEmail("bulk" + i + "@example.test");
            u.setEnabled(true);
            users.add(u);
            userIds.add(u.getId());
        }
        var partial = new org.keycloak.representations.idm.PartialImportRepresentation();
        partial.setIfResourceExists("FAIL");
        partial.setUsers(users);
        try (jakarta.ws.rs.core.Response r = admin.realm(realm).partialImport(partial)) {
            assertEquals(200, r.getStatus());
        }
        JsonNode hook = create("{\"url\":\"" + base + "/hook\",\"events\":[\"flag.created\"]}");
        JsonNode other = create("{\"url\":\"" + base + "/other\",\"events\":[\"flag.created\"]}");
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"bulk\",\"title\":\"Bulk\",\"exposedData\":[\"email\"]}").status());
        StringBuilder subjects = new StringBuilder("{\"subjects\":[");
        for (int i = 0; i < n; i++) {
            subjects.append(i == 0 ? "" : ",").append("{\"username\":\"bulk").append(i).append("\"}");
        }
        JsonNode job = api.awaitJob(api.postJson("/incidents/bulk/flags", subjects.append("]}").toString()).json().get("id").asText(),
                Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        // the second endpoint is disabled at once: what of its share was still staged or queued is cancelled, what
        // was already on its way is delivered; none is lost or sent twice
        assertEquals(200, api.putJson("/webhooks/" + other.get("id").asText(), "{\"url\":\"" + base + "/other\",\"events\":[\"flag.created\"],"
                + "\"enabled\":false}").status());

        String secret = hook.get("secret").asText();
        JsonNode log = awaitDeliveries(hook.get("id").asText(), "DELIVERED", n);
        assertEquals(n, log.at("/counts/DELIVERED").asInt(), log.toString());
        List<Received> atHook = received.stream().filter(r -> r.path().equals("/hook")).toList();
        assertEquals(n, atHook.size(), "one delivery per flag at the enabled endpoint");
        assertEquals(n, atHook.stream().map(r -> r.header("webhook-id")).distinct().count(), "each with its own message id");
        assertEquals(userIds, atHook.stream().map(r -> r.json().at("/data/userId").asText()).collect(Collectors.toSet()), "one per user");
        for (Received r : atHook) {
            assertDoesNotThrow(() -> new Webhook(secret).verify(r.body(), r.headers()), "the reference library verifies " + r.body());
            assertEquals("bulk", r.json().at("/data/incident").asText(), r.body());
        }

        long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        JsonNode counts = api.get("/webhooks/" + other.get("id").asText() + "/deliveries").json().get("counts");
        while (counts.get("DELIVERED").asInt() + counts.get("CANCELLED").asInt() != n && System.nanoTime() < end) {
            Thread.sleep(100);
            counts = api.get("/webhooks/" + other.get("id").asText() + "/deliveries").json().get("counts");
        }
        assertEquals(n, counts.get("DELIVERED").asInt() + counts.get("CANCELLED").asInt(), "every event delivered or cancelled: " + counts);
        Thread.sleep(500);
        List<Received> atOther = received.stream().filter(r -> r.path().equals("/other")).toList();
        assertEquals(counts.get("DELIVERED").asInt(), atOther.size(), "what arrived is what the log calls delivered: " + counts);
        assertEquals(atOther.size(), atOther.stream().map(r -> r.header("webhook-id")).distinct().count(), "none twice");
    }

    @Test
    void aStagedRowThatCannotBeExpandedIsParkedAsDeadAndTheRestStillFlow() throws Exception {
        assumeTrue(!"h2".equals(System.getProperty("br.it.db", "h2")),
                "writes a broken staged row straight into the run's shared database (PostgreSQL, MariaDB)");
        JsonNode hook = create("{\"url\":\"" + base + "/hook\",\"events\":[\"incident.opened\"]}");
        String id = hook.get("id").asText();
        String realmId = admin.realm(realm).toRepresentation().getId();
        try (java.sql.Connection c = FreshDatabaseListener.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("insert into BR_WEBHOOK_BATCH (ID, REALM_ID, WEBHOOK_ID, EVENT_TYPE, STATE,"
                     + " CREATED_AT, EVENT_COUNT, EVENTS) values (?, ?, ?, 'incident.opened', 'PENDING', ?, 7, 'no tab, so no event')")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, realmId);
            ps.setString(3, id);
            ps.setLong(4, System.currentTimeMillis() - 60_000);
            assertEquals(1, ps.executeUpdate());
        }
        // the next event wakes the sender: the broken row (older) fails and the event behind it is delivered all the
        // same; the drains of the next job polls fail it twice more and park it
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"after\",\"title\":\"After\",\"exposedData\":[\"email\"]}").status());
        awaitReceived(1);
        awaitDeliveries(id, "DELIVERED", 1);
        JsonNode counts = awaitCounts(id, "DEAD", 7);
        assertEquals(0, counts.get("PENDING").asInt(), counts.toString());

        // a retry makes it PENDING again (its 7 events counted); it fails three more times and is parked again; nothing is sent
        BreachApi.Reply retry = api.post("/webhooks/" + id + "/deliveries/retry", "application/json", "");
        assertEquals(7, retry.json().get("requeued").asInt(), retry.toString());
        Thread.sleep(1_000);
        counts = awaitCounts(id, "DEAD", 7);
        assertEquals(0, counts.get("PENDING").asInt(), counts.toString());
        assertEquals(1, received.size(), types().toString());
    }

    private JsonNode awaitCounts(String webhookId, String state, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        JsonNode counts = api.get("/webhooks/" + webhookId + "/deliveries").json().get("counts");
        while (counts.get(state).asInt() != n && System.nanoTime() < end) {
            Thread.sleep(100);
            counts = api.get("/webhooks/" + webhookId + "/deliveries").json().get("counts");
        }
        assertEquals(n, counts.get(state).asInt(), counts.toString());
        return counts;
    }

    @Test
    void anEndpointThatOptsInGetsTheEmailAndADisabledOneNothing() throws Exception {
        create("{\"url\":\"" + base + "/with-email\",\"events\":[\"flag.created\"],\"includeEmail\":true}");
        JsonNode off = create("{\"url\":\"" + base + "/off\",\"events\":[\"flag.created\"],\"enabled\":false}");
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\"]}").status());
        assertEquals(201, api.put("/incidents/leak/flags/" + dev0).status());
        awaitReceived(1);
        Thread.sleep(500);
        assertEquals(1, received.size(), "the disabled endpoint gets nothing");
        assertEquals("/with-email", received.get(0).path());
        assertEquals("dev0@example.test", received.get(0).json().at("/data/email").asText(), received.get(0).body());
        assertEquals(409, api.post("/webhooks/" + off.get("id").asText() + "/test", "application/json", "").status(),
                "no test event to a disabled endpoint");
    }

    @Test
    void aFailedDeliveryIsRetriedWithTheSameMessageIdUntilDeadAndSentAgainOnRequest() throws Exception {
        JsonNode hook = create("{\"url\":\"" + base + "/hook\",\"events\":[\"incident.opened\"]}");
        String id = hook.get("id").asText();
        errorsToAnswer.set(2);
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\"]}").status());
        awaitReceived(1);
        JsonNode failed = awaitDeliveries(id, "FAILED", 1).at("/deliveries/0");
        assertEquals(500, failed.get("lastStatus").asInt(), failed.toString());
        assertEquals("HTTP 500", failed.get("lastError").asText());
        assertEquals(1, failed.get("attempts").asInt());
        assertFalse(failed.get("nextAttemptAt").isNull(), failed.toString());
        // the first retry waits 5 s; move the server's clock past it, the job poll (10 s) resends
        timeOffSet.set(30);
        awaitReceived(2);
        // BreachServerConfig sets max-attempts to 2: the second failure is the last
        JsonNode dead = awaitDeliveries(id, "DEAD", 1).at("/deliveries/0");
        assertEquals(2, dead.get("attempts").asInt(), dead.toString());
        assertTrue(dead.get("nextAttemptAt").isNull(), dead.toString());

        BreachApi.Reply retry = api.post("/webhooks/" + id + "/deliveries/retry", "application/json", "");
        assertEquals(200, retry.status(), retry.toString());
        assertEquals(1, retry.json().get("requeued").asInt(), retry.toString());
        awaitReceived(3);
        JsonNode delivered = awaitDeliveries(id, "DELIVERED", 1).at("/deliveries/0");
        assertEquals(1, delivered.get("attempts").asInt(), "attempts start again: " + delivered);
        assertEquals(0, api.post("/webhooks/" + id + "/deliveries/retry", "application/json", "").json().get("requeued").asInt(),
                "nothing left to send again");
        for (Received r : received) {
            assertEquals(received.get(0).header("webhook-id"), r.header("webhook-id"), "every attempt keeps the message id");
            assertEquals(received.get(0).body(), r.body());
            assertDoesNotThrow(() -> new Webhook(hook.get("secret").asText()).verify(r.body(), r.headers()));
        }
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        JsonNode hook = create("{\"url\":\"" + base + "/moved\",\"events\":[\"incident.opened\"]}");
        assertEquals(202, api.post("/webhooks/" + hook.get("id").asText() + "/test", "application/json", "").status());
        JsonNode failed = awaitDeliveries(hook.get("id").asText(), "FAILED", 1).at("/deliveries/0");
        assertEquals(303, failed.get("lastStatus").asInt(), failed.toString());
        assertEquals("HTTP 303", failed.get("lastError").asText(), failed.toString());
        Thread.sleep(500);
        assertEquals(List.of("/moved"), received.stream().map(Received::path).toList(), "the Location was not requested");
    }

    @Test
    void aRefusedConnectionIsLoggedAsACategoryWithoutTheAddress() throws Exception {
        // a port that was just free: nothing listens there, the connection is refused at once
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        JsonNode hook = create("{\"url\":\"http://127.0.0.1:" + closed + "/secret-path\",\"events\":[\"incident.opened\"]}");
        assertEquals(202, api.post("/webhooks/" + hook.get("id").asText() + "/test", "application/json", "").status());
        JsonNode log = awaitDeliveries(hook.get("id").asText(), "FAILED", 1);
        JsonNode failed = log.at("/deliveries/0");
        assertEquals("connection refused", failed.get("lastError").asText(), failed.toString());
        assertTrue(failed.get("lastStatus").isNull(), failed.toString());
        assertFalse(log.toString().contains("127.0.0.1") || log.toString().contains("secret-path"), "no address in the log: " + log);
    }

    @Test
    void aRotatedSecretSignsBesideTheNewOneForADay() throws Exception {
        JsonNode hook = create("{\"url\":\"" + base + "/hook\",\"events\":[\"flag.created\"]}");
        String id = hook.get("id").asText();
        String old = hook.get("secret").asText();
        JsonNode rotated = api.post("/webhooks/" + id + "/secret", "application/json", "").json();
        String fresh = rotated.get("secret").asText();
        assertNotEquals(old, fresh);
        long until = rotated.get("previousSecretValidUntil").asLong();
        assertTrue(until > System.currentTimeMillis() + Duration.ofHours(23).toMillis(), rotated.toString());
        JsonNode test = api.post("/webhooks/" + id + "/test", "application/json", "").json();
        awaitReceived(1);
        Received r = received.get(0);
        assertEquals(test.get("deliveryId").asText(), r.header("webhook-id"));
        assertEquals("webhook.test", r.json().get("type").asText());
        assertEquals(2, r.header("webhook-signature").split(" ").length, r.header("webhook-signature"));
        assertDoesNotThrow(() -> new Webhook(fresh).verify(r.body(), r.headers()));
        assertDoesNotThrow(() -> new Webhook(old).verify(r.body(), r.headers()), "a receiver that has not switched yet");
        String other = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        assertThrows(WebhookVerificationException.class, () -> new Webhook(other).verify(r.body(), r.headers()));
    }

    @Test
    void badInputIsRefusedAndNothingIsWritten() {
        String ok = "{\"url\":\"" + base + "/hook\",\"events\":[\"flag.created\"]}";
        Map<String, String> bad = Map.of(
                "{\"url\":\"http://siem.example.com/hook\",\"events\":[\"flag.created\"]}", "url must use https",
                "{\"url\":\"https://siem.example.com/hook\",\"events\":[\"flag.made\"]}", "unknown event type",
                "{\"url\":\"https://siem.example.com/hook\",\"events\":[\"webhook.test\"]}", "unknown event type",
                "{\"url\":\"https://siem.example.com/hook\",\"events\":[]}", "events is required",
                "{\"url\":\"https://siem.example.com/hook\",\"events\":[\"flag.created\"],\"enabled\":\"yes\"}", "enabled must be true or false",
                "{\"url\":\"https://siem.example.com/hook\",\"events\":[\"flag.created\"],\"secret\":\"whsec_x\"}", "Unknown field 'secret'",
                "{\"url\":\"https://a:b@siem.example.com/hook\",\"events\":[\"flag.created\"]}", "user info",
                "[]", "JSON object");
        bad.forEach((body, message) -> {
            BreachApi.Reply r = api.postJson("/webhooks", body);
            assertEquals(400, r.status(), body + " -> " + r);
            assertEquals("invalid_request", r.json().get("error").asText(), r.toString());
            assertTrue(r.json().get("message").asText().contains(message), body + " -> " + r);
        });
        assertEquals(0, api.get("/webhooks").json().get("webhooks").size(), "nothing written");
        assertEquals(404, api.get("/webhooks/" + UUID.randomUUID()).status());
        assertEquals(404, api.putJson("/webhooks/" + UUID.randomUUID(), ok).status());
        assertEquals(404, api.delete("/webhooks/nope").status());
        String id = create(ok).get("id").asText();
        assertEquals(400, api.get("/webhooks/" + id + "/deliveries?state=LOST").status());
        assertEquals(400, api.putJson("/webhooks/" + id, "{\"url\":\"ftp://x/\",\"events\":[\"flag.created\"]}").status());
        assertEquals(base + "/hook", api.get("/webhooks/" + id).json().get("url").asText(), "unchanged by the refused update");
        JsonNode updated = api.putJson("/webhooks/" + id, "{\"url\":\"https://siem.example.com/h\",\"events\":[\"flag.created\","
                + "\"flag.remediated\"],\"enabled\":false}").json();
        assertEquals(List.of("flag.created", "flag.remediated"), stream(updated.get("events")));
        assertFalse(updated.get("enabled").asBoolean());
        assertEquals(204, api.delete("/webhooks/" + id).status());
        assertEquals(404, api.get("/webhooks/" + id).status());
    }

    @Test
    void readingNeedsViewRealmAndChangingManageRealm() {
        String id = create("{\"url\":\"" + base + "/hook\",\"events\":[\"flag.created\"]}").get("id").asText();
        assertEquals(401, new BreachApi(urls.getBase(), realm, () -> null).get("/webhooks").status());
        String viewerId = admin.realm(realm).users().search("viewer").get(0).getId();
        BreachApi nobody = new BreachApi(urls.getBase(), realm,
                () -> Realms.passwordGrant(urls.getBase(), realm, "dev1", Realms.PASSWORD, null).get("access_token").asText());
        assertEquals(403, nobody.get("/webhooks").status());
        assertEquals(403, nobody.get("/webhooks/" + id + "/deliveries").status());
        Realms.grant(admin, realm, viewerId, "view-realm", "view-users", "manage-users");
        BreachApi viewer = new BreachApi(urls.getBase(), realm,
                () -> Realms.passwordGrant(urls.getBase(), realm, "viewer", Realms.PASSWORD, null).get("access_token").asText());
        JsonNode seen = viewer.get("/webhooks").json();
        assertEquals(base + "/…", seen.at("/webhooks/0/url").asText(), "view-realm sees the origin, not the path: " + seen);
        assertEquals(base + "/hook", api.get("/webhooks").json().at("/webhooks/0/url").asText(), "manage-realm sees the URL");
        assertEquals(200, viewer.get("/webhooks/" + id + "/deliveries").status());
        assertEquals(403, viewer.postJson("/webhooks", "{\"url\":\"" + base + "/x\",\"events\":[\"flag.created\"]}").status(),
                "manage-users is not enough to send the realm's events somewhere");
        assertEquals(403, viewer.post("/webhooks/" + id + "/secret", "application/json", "").status());
        assertEquals(403, viewer.delete("/webhooks/" + id).status());
        assertEquals(1, api.get("/webhooks").json().get("webhooks").size());
    }

    private JsonNode create(String body) {
        BreachApi.Reply r = api.postJson("/webhooks", body);
        assertEquals(201, r.status(), r.toString());
        assertEquals("no-store", r.header("Cache-Control"), "the answer holding the secret is not cached");
        assertTrue(r.header("Location").endsWith("/webhooks/" + r.json().get("id").asText()), r.toString());
        return r.json();
    }

    private List<String> types() {
        return received.stream().map(r -> r.json().get("type").asText()).toList();
    }

    private List<JsonNode> ofType(String type) {
        return received.stream().map(Received::json).filter(j -> type.equals(j.get("type").asText())).toList();
    }

    private static List<String> stream(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * Waits until the endpoint's deliveries in {@code state} number {@code n}, in the page and in the counts: the two
     * are read by two queries, and a delivery recorded between them shows in one only.
     */
    private JsonNode awaitDeliveries(String webhookId, String state, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        JsonNode page = api.get("/webhooks/" + webhookId + "/deliveries?max=1000&state=" + state).json();
        while ((page.get("deliveries").size() < n || page.at("/counts/" + state).asInt() != n) && System.nanoTime() < end) {
            Thread.sleep(100);
            page = api.get("/webhooks/" + webhookId + "/deliveries?max=1000&state=" + state).json();
        }
        assertEquals(n, page.get("deliveries").size(), page.toString());
        assertEquals(n, page.at("/counts/" + state).asInt(), page.toString());
        return page;
    }

    private void awaitReceived(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (received.size() < n && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertTrue(received.size() >= n, "the receiver got " + received.size() + " deliveries, expected " + n + ": " + types());
    }
}
