package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The core of the suite on one Keycloak distribution from Maven Central ({@code br.dist.zip}, chosen per
 * failsafe execution {@code it-kc-<version>} in tests/pom.xml; the default dist when run alone): setup, a bulk
 * job by an admin of the realm itself (service account; subjects by username, email and id) that flags, login
 * enforcement on direct grant, a day-0 reminder email, and a job whose submitter lost the rights mid-run
 * ending FAILED. The official test framework only starts the distribution of the Keycloak it is built with, so
 * this runs its own server ({@link KeycloakProcess}, ports 8180/9180, SMTP 3125).
 */
class KeycloakVersionMatrixIT {

    private static final String REALM = "matrix";
    private static final String TOOL = "incident-tool";
    private static final String TOOL_SECRET = "incident-tool-secret";
    private static final int SMTP_PORT = 3125;

    static KeycloakProcess kc;
    static GreenMail mail;
    static final Map<String, String> IDS = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        mail = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        kc = KeycloakProcess.forThisRun("matrix", "start-dev")
                // one subject per transaction: the rights test below changes roles while a job runs
                .option("spi-admin-realm-restapi-extension--breach-response--chunk-size", "1")
                .option("spi-admin-realm-restapi-extension--breach-response--poll-seconds", "1")
                .option("spi-breach-reminders--default--interval-seconds", "86400")
                .option("spi-breach-reminders--default--hygiene-interval-seconds", "86400");
        kc.start();
        String expected = System.getProperty("br.matrix.version");
        if (expected != null) {
            JsonNode info = BreachApi.JSON.readTree(kc.adminCall("GET", "/serverinfo", null).body());
            assertEquals(expected, info.at("/systemInfo/version").asText(), "the distribution this execution names");
        }
        for (String u : List.of("alice", "bob", "carol", "dave", "helpdesk", "erin")) {
            IDS.put(u, UUID.randomUUID().toString());
        }
        List<Object> users = new ArrayList<>();
        for (String u : List.of("alice", "bob", "carol", "dave", "helpdesk", "erin")) {
            users.add(Map.of("id", IDS.get(u), "username", u, "email", u + "@example.test", "emailVerified", true,
                    "firstName", u, "lastName", "Matrix", "enabled", true,
                    "credentials", List.of(Map.of("type", "password", "value", Realms.PASSWORD, "temporary", false))));
        }
        users.add(Map.of("username", "service-account-" + TOOL, "enabled", true, "serviceAccountClientId", TOOL,
                "clientRoles", Map.of("realm-management", List.of("manage-users", "view-users", "manage-realm", "view-realm"))));
        String realmJson = BreachApi.JSON.writeValueAsString(Map.of(
                "realm", REALM, "enabled", true,
                "smtpServer", Map.of("host", "127.0.0.1", "port", Integer.toString(SMTP_PORT), "from", "security@example.test"),
                "clients", List.of(Map.of("clientId", TOOL, "enabled", true, "publicClient", false, "secret", TOOL_SECRET,
                        "serviceAccountsEnabled", true, "standardFlowEnabled", false, "directAccessGrantsEnabled", false)),
                "users", users));
        HttpResponse<String> created = kc.adminCall("POST", "/realms", realmJson);
        assertEquals(201, created.statusCode(), created.body());
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    /** The realm's own incident tool (a service account of the realm, not a master admin). */
    static BreachApi tool() {
        return new BreachApi(kc.baseUrl(), REALM, () -> clientToken(TOOL, TOOL_SECRET));
    }

    @Test
    void realmAdminsBulkJobFlagsAndEnforcementAndRemindersFollow() throws Exception {
        BreachApi api = tool();
        BreachApi.Reply setup = api.postJson("/setup", "");
        assertEquals(200, setup.status(), setup.toString());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"vendor-leak\",\"title\":\"Vendor leak\",\"exposedData\":[\"email\"]}").status());

        String body = "{\"subjects\":[{\"username\":\"alice\"},{\"email\":\"BOB@example.test\"},{\"id\":\"" + IDS.get("carol") + "\"},"
                + "{\"email\":\"stranger@example.test\"}]}";
        BreachApi.Reply accepted = api.postJson("/incidents/vendor-leak/flags", body);
        assertEquals(202, accepted.status(), accepted.toString());
        JsonNode job = api.awaitJob(accepted.json().get("id").asText(), Duration.ofSeconds(120));
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        assertEquals(3, job.at("/counts/flagged").asInt(), "a realm admin's job flags the realm's users: " + job);
        assertEquals(1, job.at("/counts/notFound").asInt(), job.toString());
        assertEquals(3, api.get("/incidents/vendor-leak/flags").json().size());

        // login enforcement: a flagged user without a factor gets no token on direct grant; others do
        JsonNode denied = Realms.passwordGrant(kc.baseUrl(), REALM, "alice", Realms.PASSWORD, null);
        assertEquals(400, denied.get("_status").asInt(), denied.toString());
        assertEquals("invalid_grant", denied.get("error").asText());
        JsonNode fine = Realms.passwordGrant(kc.baseUrl(), REALM, "dave", Realms.PASSWORD, null);
        assertEquals(200, fine.get("_status").asInt(), fine.toString());

        // reminders: day 0 goes out to each flagged user with an email
        int before = mail.getReceivedMessages().length;
        BreachApi.Reply run = api.post("/reminders/run", null, "");
        assertEquals(200, run.status(), run.toString());
        assertEquals(3, run.json().get("sent").asInt(), run.toString());
        assertTrue(mail.waitForIncomingEmail(10_000, before + 3), "three reminder emails");
        assertTrue(java.util.Arrays.stream(mail.getReceivedMessages()).skip(before)
                .anyMatch(m -> { try { return m.getAllRecipients()[0].toString().equals("alice@example.test"); } catch (Exception e) { return false; } }));
    }

    /**
     * The Shared Signals receiver on this Keycloak line (its push path touches Keycloak's key storage, signature
     * providers, user look-up by email and security headers): a signed SET flags erin, its replay is refused. Erin's
     * flag is dismissed at the end, so the reminder run of the other test does not count her.
     */
    @Test
    void aPushedSecurityEventTokenFlagsTheUser() throws Exception {
        SetSigner.Key key = SetSigner.key("m1");
        byte[] jwks = SetSigner.jwks(List.of(key)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
        try {
            BreachApi api = tool();
            String issuer = "https://transmitter.example/realms/upstream";
            BreachApi.Reply created = api.postJson("/ssf/receivers", "{\"alias\":\"matrix\",\"issuer\":\"" + issuer + "\",\"jwksUri\":\"http://127.0.0.1:"
                    + server.getAddress().getPort() + "/jwks\",\"audience\":\"aud\",\"delivery\":\"push\"}");
            assertEquals(201, created.status(), created.toString());
            String set = new SetSigner(issuer, "aud").set(SetSigner.CREDENTIAL_COMPROMISE, SetSigner.event("credential_type", "password"),
                    SetSigner.email("erin@example.test"), key);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Supplier<HttpResponse<String>> push = () -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(created.json().get("pushUrl").asText()))
                            .header("Content-Type", "application/secevent+jwt")
                            .header("Authorization", "Bearer " + created.json().get("pushCredential").asText())
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(set)).build(), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            HttpResponse<String> accepted = push.get();
            assertEquals(202, accepted.statusCode(), accepted.body());
            // accepted into the inbox; applied moments later by the node's drain
            BreachApi.Reply found = api.get("/incidents/ssf-matrix/flags/" + IDS.get("erin"));
            for (int i = 0; i < 200 && found.status() == 404; i++) {
                Thread.sleep(50);
                found = api.get("/incidents/ssf-matrix/flags/" + IDS.get("erin"));
            }
            JsonNode flag = found.json();
            assertEquals("FLAGGED", flag.get("state").asText(), flag.toString());
            assertEquals("SSF", flag.at("/history/0/actor/type").asText(), flag.toString());
            HttpResponse<String> replay = push.get();
            assertEquals(400, replay.statusCode(), replay.body());
            assertEquals(200, api.delete("/incidents/ssf-matrix/flags/" + IDS.get("erin") + "?reason=matrix").status());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSubmitterWhoLosesTheRightsMidJobFailsIt() throws Exception {
        BreachApi master = kc.api(REALM);
        assertEquals(201, master.postJson("/incidents", "{\"id\":\"rights-lost\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        HttpResponse<String> rm = kc.adminCall("GET", "/realms/" + REALM + "/clients?clientId=realm-management", null);
        String rmId = BreachApi.JSON.readTree(rm.body()).get(0).get("id").asText();
        String role = kc.adminCall("GET", "/realms/" + REALM + "/clients/" + rmId + "/roles/manage-users", null).body();
        String roles = "[" + role + "]";
        String mapping = "/realms/" + REALM + "/users/" + IDS.get("helpdesk") + "/role-mappings/clients/" + rmId;
        assertEquals(204, kc.adminCall("POST", mapping, roles).statusCode());

        String token = Realms.passwordGrant(kc.baseUrl(), REALM, "helpdesk", Realms.PASSWORD, null).get("access_token").asText();
        BreachApi helpdesk = new BreachApi(kc.baseUrl(), REALM, () -> token);
        StringBuilder csv = new StringBuilder("email\n");
        for (int i = 0; i < 3000; i++) {
            csv.append("nobody-").append(i).append("@example.test\n");
        }
        csv.append("dave@example.test\n");
        BreachApi.Reply accepted = helpdesk.post("/incidents/rights-lost/flags", "text/csv", csv.toString());
        assertEquals(202, accepted.status(), accepted.toString());
        assertEquals(204, kc.adminCall("DELETE", mapping, roles).statusCode());

        JsonNode job = master.awaitJob(accepted.json().get("id").asText(), Duration.ofSeconds(300));
        assertEquals("FAILED", job.get("state").asText(), job.toString());
        assertTrue(job.get("error").asText().contains("no longer has the right to manage users"), job.toString());
        assertTrue(job.get("processed").asInt() < 3001, "stopped before the end: " + job);
        assertEquals(0, master.get("/users/" + IDS.get("dave") + "/flags").json().size(), "dave, last in the file, not flagged");
    }

    private static String clientToken(String clientId, String secret) {
        try {
            java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId
                            + "&client_secret=" + secret)).build();
            HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return BreachApi.JSON.readTree(r.body()).get("access_token").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
