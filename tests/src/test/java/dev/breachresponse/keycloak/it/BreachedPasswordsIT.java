package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import jakarta.ws.rs.BadRequestException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Breached-password detection through the real login pages and token endpoint: the offline corpus and custom list of
 * {@link BreachCorpus} (server options), and a Pwned Passwords range API served by this test JVM over generated data,
 * whose request log shows what leaves the server.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BreachedPasswordsIT extends LoginTestBase {

    /** A password only the range API knows (seen 3 times). */
    static final String RANGE_ONLY = "Range-Breached-1!";

    static final String CLEAN = "Clean-N3w-Passw0rd-2026";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    HttpServer range;
    final List<String> rangeLog = new CopyOnWriteArrayList<>();
    /** Webhook bodies the test server received at /hook. */
    final List<String> hooks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        assertTrue(fx.setup().get("changed").asBoolean());
        range = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String hit = BreachCorpus.sha1(RANGE_ONLY);
        range.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            rangeLog.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " padding=" + exchange.getRequestHeaders().getFirst("Add-Padding"));
            String prefix = path.startsWith("/range/") ? path.substring(7) : "";
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 40; i++) { // other suffixes of the range, and padding (count 0)
                body.append(BreachCorpus.sha1(prefix + i).substring(5)).append(':').append(i % 2 == 0 ? i + 1 : 0).append("\r\n");
            }
            if (hit.startsWith(prefix)) {
                body.append(hit.substring(5)).append(":3\r\n");
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(prefix.length() == 5 ? 200 : 404, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        range.createContext("/hook", exchange -> {
            hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        range.start();
    }

    @AfterEach
    void stopRange() {
        range.stop(0);
    }

    // --- helpers -------------------------------------------------------------------------------------------

    String rangeUrl() {
        return "http://127.0.0.1:" + range.getAddress().getPort();
    }

    /** Saves the realm's breachedPasswords settings; turning the login check on first adds the password policy it needs. */
    void settings(String breachedPasswords) {
        if (breachedPasswords.contains("\"checkAtLogin\":true")) {
            var rep = realm.admin().toRepresentation();
            rep.setPasswordPolicy("breached-password(1)");
            realm.admin().update(rep);
        }
        BreachApi.Reply r = api.putJson("/config", "{\"breachedPasswords\":" + breachedPasswords + "}");
        assertEquals(200, r.status(), r.toString());
    }

    void password(String username, String password) {
        CredentialRepresentation c = new CredentialRepresentation();
        c.setType(CredentialRepresentation.PASSWORD);
        c.setValue(password);
        c.setTemporary(false);
        realm.admin().users().get(fx.userId(username)).resetPassword(c);
    }

    void browserLogin(String username, String password) {
        oauth.openLoginForm();
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        pages.submit(By.id("kc-login"));
    }

    /** The login form without the previous login's SSO cookie (cookies go per host: delete them on Keycloak's). */
    void freshLoginForm(ChromeDriver chrome) {
        // a Keycloak page of the realm that never redirects (the login form would, to the app, with an SSO cookie)
        chrome.get(urls.getBase() + "/realms/" + realm.getName() + "/.well-known/openid-configuration");
        chrome.manage().deleteAllCookies();
        chrome.get(oauth.loginForm().build());
    }

    double metric(String result) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(urls.getMetric())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return Math.max(0, MetricsIT.value(r.body(), "keycloak_breach_password_checks_total", "where=\"login\"", "result=\"" + result + "\""));
    }

    // --- tests ---------------------------------------------------------------------------------------------

    @Test
    void setupPlacesTheCheckRightAfterEveryPasswordCheck() {
        for (String flow : List.of(realm.admin().toRepresentation().getBrowserFlow(), realm.admin().toRepresentation().getDirectGrantFlow())) {
            List<AuthenticationExecutionInfoRepresentation> executions = realm.admin().flows().getExecutions(flow);
            int checks = 0;
            for (int i = 0; i < executions.size(); i++) {
                String provider = executions.get(i).getProviderId();
                if ("auth-username-password-form".equals(provider) || "direct-grant-validate-password".equals(provider)) {
                    assertEquals("breach-password-check", executions.get(i + 1).getProviderId(), flow + " after " + provider);
                    assertEquals("REQUIRED", executions.get(i + 1).getRequirement());
                    checks++;
                }
            }
            assertEquals(1, checks, flow);
        }
        assertFalse(fx.setup().get("changed").asBoolean(), "setup again changes nothing");
    }

    @Test
    void setupStatusListsPasswordFormsWithoutTheCheckWhileItIsOn() {
        assertFalse(api.get("/setup").body().contains("\"password-check\""), "not listed while the check is off");
        BreachApi.Reply refused = api.putJson("/config", "{\"breachedPasswords\":{\"checkAtLogin\":true}}");
        assertEquals(400, refused.status(), "without the password policy a flagged user could set the same breached password again");
        assertTrue(refused.body().contains("needs the realm's password policy 'breached-password'"), refused.body());
        settings("{\"checkAtLogin\":true}");
        JsonNode status = api.get("/setup").json();
        int covered = 0;
        for (JsonNode e : status.get("entryPoints")) {
            if ("password-check".equals(e.get("kind").asText())) {
                assertTrue(e.get("covered").asBoolean(), e.toString());
                covered++;
            }
        }
        assertEquals(2, covered, "browser and direct grant: " + status);

        ClientRepresentation client = realm.admin().clients().findByClientId(oauth.config().getClientId()).get(0);
        String builtIn = realm.admin().flows().getFlows().stream().filter(f -> "direct grant".equals(f.getAlias())).findFirst().orElseThrow().getId();
        client.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", builtIn));
        realm.admin().clients().get(client.getId()).update(client);
        JsonNode gap = null;
        for (JsonNode g : api.get("/setup").json().get("gaps")) {
            if ("password-check".equals(g.get("kind").asText())) {
                gap = g;
            }
        }
        assertNotNull(gap, "Keycloak's own direct grant flow checks no breached password");
        assertEquals(client.getClientId() + "/direct_grant", gap.get("name").asText());
        assertTrue(gap.get("detail").asText().contains("'direct-grant-validate-password' in flow 'direct grant'"), gap.toString());
    }

    @Test
    void aPasswordOrPasskeyLayoutKeepsItsPasswordFormAndIsReportedAsUnchecked() {
        var flows = realm.admin().flows();
        AuthenticationFlowRepresentation top = new AuthenticationFlowRepresentation();
        top.setAlias("passkey or password");
        top.setProviderId("basic-flow");
        top.setTopLevel(true);
        top.setBuiltIn(false);
        flows.createFlow(top).close();
        flows.addExecution("passkey or password", Map.of("provider", "auth-username-form"));
        flows.addExecutionFlow("passkey or password", Map.of("alias", "password or passkey", "type", "basic-flow", "description", "either"));
        flows.addExecution("password or passkey", Map.of("provider", "auth-password-form"));
        flows.addExecution("password or passkey", Map.of("provider", "webauthn-authenticator-passwordless"));
        for (AuthenticationExecutionInfoRepresentation e : flows.getExecutions("passkey or password")) {
            boolean alternative = "auth-password-form".equals(e.getProviderId()) || "webauthn-authenticator-passwordless".equals(e.getProviderId());
            e.setRequirement(alternative ? "ALTERNATIVE" : "REQUIRED");
            flows.updateExecutions("passkey or password", e);
        }
        var rep = realm.admin().toRepresentation();
        rep.setBrowserFlow("passkey or password");
        realm.admin().update(rep);
        assertTrue(fx.setup().get("changed").asBoolean(), "setup binds a copy with the step-up");
        String bound = realm.admin().toRepresentation().getBrowserFlow();
        assertTrue(flows.getExecutions(bound).stream().noneMatch(e -> "breach-password-check".equals(e.getProviderId())),
                "no REQUIRED check beside ALTERNATIVE forms (Keycloak would then skip the password form)");

        oauth.openLoginForm();
        driver.findElement(By.id("username")).sendKeys("alice");
        pages.submit(By.id("kc-login"));
        assertTrue(pages.onPage("password"), "the password is still asked: " + pages.pageText());
        assertFalse(driver.getCurrentUrl().contains("code="), "no code for a username alone: " + driver.getCurrentUrl());
        driver.findElement(By.id("password")).sendKeys(Realms.PASSWORD);
        pages.submit(By.id("kc-login"));
        assertNotNull(oauth.parseLoginResponse().getCode(), pages.pageText());

        settings("{\"checkAtLogin\":true}");
        JsonNode gap = null;
        for (JsonNode g : api.get("/setup").json().get("gaps")) {
            if ("password-check".equals(g.get("kind").asText()) && "browser".equals(g.get("name").asText())) {
                gap = g;
            }
        }
        assertNotNull(gap, "the audit names the unchecked alternative");
        assertTrue(gap.get("detail").asText().contains("ALTERNATIVE: put it and the check, both REQUIRED, into a sub-flow"), gap.toString());
    }

    @Test
    void aPasswordFromTheOfflineCorpusFlagsTheUserWhoMustProveTheMailboxFirst() throws Exception {
        password("bob", BreachCorpus.BREACHED); // set before the realm refuses breached passwords
        settings("{\"checkAtLogin\":true,\"rangeApiUrl\":null}");
        browserLogin("bob", BreachCorpus.BREACHED);
        pages.continueNotice();
        assertTrue(pages.onPage("breach-mailbox-sent"), "the login stops at the mailbox proof: " + pages.pageText());
        assertTrue(mail.waitForIncomingEmail(10_000, 1), "mailbox-proof email");
        driver.open(Mails.firstLink(mail.getLastReceivedMessage()));
        if (!driver.driver().findElements(By.partialLinkText("proceed")).isEmpty()) {
            driver.findElement(By.partialLinkText("proceed")).click();
        }
        if (!pages.onPage("password-new")) {
            pages.enrolTotp(); // Keycloak may order the emailed actions with the enrolment first
        }
        assertTrue(pages.onPage("password-new"), "the proven mailbox leads to a new password: " + pages.pageText());

        JsonNode flag = fx.flagOf("breached-passwords", "bob");
        assertEquals("FLAGGED", flag.get("state").asText(), flag.toString());
        String history = flag.get("history").toString();
        assertTrue(history.contains("\"actor\":{\"type\":\"SYSTEM\",\"id\":\"breached-password\"}"), history);
        assertTrue(history.contains("seen 10000-99999"), "the count as a band: " + history);
        assertFalse(history.contains(BreachCorpus.sha1(BreachCorpus.BREACHED).substring(0, 10)), "no hash in history");
        JsonNode incident = api.get("/incidents/breached-passwords").json();
        assertEquals("[\"password\"]", incident.get("exposedData").toString(), incident.toString());
        assertTrue(rangeLog.isEmpty(), "the range API was not asked: " + rangeLog);
    }

    @Test
    void aCleanPasswordLogsInWithThePasswordOnly() {
        settings("{\"checkAtLogin\":true,\"rangeApiUrl\":null}");
        browserLogin("alice", Realms.PASSWORD);
        String code = oauth.parseLoginResponse().getCode();
        assertNotNull(code, "signed in with the password only: " + pages.pageText());
        assertEquals(404, api.get("/incidents/breached-passwords/flags/" + fx.userId("alice")).status());
    }

    @Test
    void theRangeApiSeesOnlyTheFiveDigitPrefixAndItsHitFlags() throws Exception {
        password("bob", RANGE_ONLY);
        settings("{\"checkAtLogin\":true,\"rangeApiUrl\":\"" + rangeUrl() + "/\",\"offlineCorpus\":false}");
        assertEquals(201, api.postJson("/webhooks", "{\"url\":\"" + rangeUrl() + "/hook\",\"events\":[\"password.breached\"]}").status());
        AccessTokenResponse denied = oauth.doPasswordGrantRequest("bob", RANGE_ONLY);
        assertEquals(400, denied.getStatusCode(), "flagged with an exposed password: no tokens by direct grant");
        assertEquals("FLAGGED", fx.flagOf("breached-passwords", "bob").get("state").asText());
        assertTrue(fx.flagOf("breached-passwords", "bob").get("history").toString().contains("seen 2-9"));
        long until = System.currentTimeMillis() + 15_000;
        while (hooks.isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertEquals(1, hooks.size(), "one password.breached event: " + hooks);
        JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(hooks.get(0));
        assertEquals("password.breached", event.get("type").asText());
        assertEquals(fx.userId("bob"), event.at("/data/userId").asText());
        assertEquals("range", event.at("/data/source").asText());
        assertEquals("2-9", event.at("/data/seen").asText());
        assertEquals("breached-passwords", event.at("/data/incidentId").asText());
        assertFalse(hooks.get(0).contains(BreachCorpus.sha1(RANGE_ONLY).substring(5, 15)), "no hash in the event");

        assertEquals(200, oauth.doPasswordGrantRequest("alice", Realms.PASSWORD).getStatusCode(), "a clean password signs in");
        assertEquals(2, rangeLog.size(), rangeLog.toString());
        for (String request : rangeLog) {
            assertTrue(request.matches("GET /range/[0-9A-F]{5} padding=true"), request);
        }
        String all = String.join("\n", rangeLog);
        for (String secret : List.of(RANGE_ONLY, Realms.PASSWORD, BreachCorpus.sha1(RANGE_ONLY).substring(5, 15), BreachCorpus.sha1(Realms.PASSWORD).substring(5, 15))) {
            assertFalse(all.contains(secret), "only the prefix leaves the server");
        }
        assertEquals(200, oauth.doPasswordGrantRequest("alice", Realms.PASSWORD).getStatusCode());
        assertEquals(2, rangeLog.size(), "the range is cached: " + rangeLog);
    }

    @Test
    void whenNoSourceAnswersTheLoginGoesOnOrIsRefusedAsConfigured() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort(); // nothing listens there once closed
        }
        // with the offline corpus on, its answer is enough: the dead range API is not asked, nothing is unavailable
        settings("{\"checkAtLogin\":true,\"rangeApiUrl\":\"http://127.0.0.1:" + dead + "\"}");
        double unavailable = metric("unavailable");
        double clean = metric("clean");
        assertEquals(200, oauth.doPasswordGrantRequest("alice", Realms.PASSWORD).getStatusCode());
        assertEquals(unavailable, metric("unavailable"), "the offline corpus answered");
        assertTrue(metric("clean") >= clean + 1, "counted clean");

        settings("{\"checkAtLogin\":true,\"rangeApiUrl\":\"http://127.0.0.1:" + dead + "\",\"offlineCorpus\":false}");
        double before = metric("unavailable");
        assertEquals(200, oauth.doPasswordGrantRequest("alice", Realms.PASSWORD).getStatusCode(), "fail-open by default");
        assertTrue(metric("unavailable") >= before + 1, "counted as unavailable");

        settings("{\"checkAtLogin\":true,\"rangeApiUrl\":\"http://127.0.0.1:" + dead + "\",\"offlineCorpus\":false,\"failClosed\":true}");
        AccessTokenResponse refused = oauth.doPasswordGrantRequest("alice", Realms.PASSWORD);
        assertEquals(503, refused.getStatusCode());
        assertEquals("temporarily_unavailable", refused.getError());
        browserLogin("alice", Realms.PASSWORD);
        assertTrue(pages.pageText().contains("could not be checked against known data breaches"), pages.pageText());
        assertEquals(404, api.get("/incidents/breached-passwords/flags/" + fx.userId("alice")).status(), "nobody flagged");
    }

    @Test
    void thePasswordPolicyRefusesABreachedNewPasswordOnTheUpdatePasswordPageInChromium() throws Exception {
        EnforcementRealm.englishAndGermanWithDaveInGerman(realm, null);
        var rep = realm.admin().toRepresentation();
        rep.setPasswordPolicy("breached-password(1)");
        realm.admin().update(rep);

        assertThrows(BadRequestException.class, () -> password("alice", BreachCorpus.BREACHED), "an admin cannot set one either");
        assertThrows(BadRequestException.class, () -> password("alice", BreachCorpus.CUSTOM), "nor one from the custom list");

        for (String username : List.of("alice", "dave")) {
            UserRepresentation user = realm.admin().users().get(fx.userId(username)).toRepresentation();
            user.setRequiredActions(List.of("UPDATE_PASSWORD"));
            realm.admin().users().get(user.getId()).update(user);
        }
        ChromeDriver chrome = FactorChoiceIT.chromium();
        try {
            LoginPages in = new LoginPages(chrome);
            for (String username : List.of("alice", "dave")) {
                freshLoginForm(chrome);
                in.submitPassword(username);
                assertTrue(in.onPage("password-new"), in.pageText());
                chrome.findElement(By.id("password-new")).sendKeys(BreachCorpus.BREACHED);
                chrome.findElement(By.id("password-confirm")).sendKeys(BreachCorpus.BREACHED);
                in.submit(By.cssSelector("#kc-passwd-update-form button[type=submit]"));
                String expected = username.equals("dave") ? "ist in einem Datenleck aufgetaucht" : "This password has appeared in a data breach";
                assertTrue(in.pageText().contains(expected), in.pageText());
                FactorChoiceIT.screenshot(chrome, "breached-password-update-" + (username.equals("dave") ? "de" : "en"));

                chrome.findElement(By.id("password-new")).sendKeys(CLEAN);
                chrome.findElement(By.id("password-confirm")).sendKeys(CLEAN);
                in.submit(By.cssSelector("#kc-passwd-update-form button[type=submit]"));
                assertNotNull(FactorChoiceIT.codeOf(chrome.getCurrentUrl()), "a clean password is accepted: " + in.pageText());
            }

            int dead;
            try (ServerSocket s = new ServerSocket(0)) {
                dead = s.getLocalPort();
            }
            settings("{\"checkAtLogin\":true,\"rangeApiUrl\":\"http://127.0.0.1:" + dead + "\",\"offlineCorpus\":false,\"failClosed\":true}");
            freshLoginForm(chrome);
            chrome.findElement(By.id("username")).sendKeys("alice");
            chrome.findElement(By.id("password")).sendKeys(CLEAN);
            in.submit(By.id("kc-login"));
            assertTrue(in.pageText().contains("could not be checked against known data breaches"), in.pageText());
            FactorChoiceIT.screenshot(chrome, "breached-password-unavailable-en");
        } finally {
            chrome.quit();
        }
        assertEquals(503, oauth.doPasswordGrantRequest("dave", CLEAN).getStatusCode(), "fail-closed refuses the token endpoint too");
    }
}
