package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * "This wasn't me": security emails for a password change and a second factor added or removed (real required
 * actions, an admin's reset and removal), in the user's language, through the framework's mail server; the report
 * link from the received email, followed in the browser (HtmlUnit): the GET changes nothing, the button flags the
 * user, revokes a live session and emails the security contact; the same link again, a forged and an expired one
 * change nothing.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class UserReportsIT extends LoginTestBase {

    static final String CONTACT = "soc@example.test";
    /** Where the realm's admin alerts go (AdminAlertsIT tests the other kinds). */
    static final String ALERTS = "ir@example.test";
    static final Pattern REPORT_LINK = Pattern.compile("https?://[^\\s\"<>]+/breach-response/report\\?key=[^\\s\"<>]+");
    static final Pattern ANY_LINK = Pattern.compile("https?://[^\\s\"<>]+");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    /** Messages the mail server held before this test (it serves every test of the server). */
    int seen;

    @BeforeEach
    void setUp() {
        seen = mail.getReceivedMessages().length;
        assertTrue(fx.setup().get("changed").asBoolean());
        int quietHour = (java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour() + 12) % 24;
        BreachApi.Reply r = api.putJson("/config", "{\"userReports\":{\"securityEmails\":true,\"securityContact\":\"" + CONTACT + "\"},"
                + "\"alerts\":{\"enabled\":true,\"contact\":\"" + ALERTS + "\",\"digestHourUtc\":" + quietHour + ",\"userReportsPerHour\":1}}");
        assertEquals(200, r.status(), r.toString());
    }

    @AfterEach
    void resetTime() {
        timeOffSet.set(0);
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** The messages received in this test that went to {@code address}. */
    List<MimeMessage> to(String address) throws Exception {
        return Mails.to(mail, seen, address);
    }

    /** Waits until {@code address} has received {@code n} messages; returns the last. */
    MimeMessage awaitMail(String address, int n) throws Exception {
        return Mails.await(mail, seen, address, n, java.time.Duration.ofSeconds(15));
    }

    static String reportLink(MimeMessage m) throws Exception {
        Matcher matcher = REPORT_LINK.matcher(Mails.text(m));
        assertTrue(matcher.find(), "no report link in: " + Mails.text(m));
        return matcher.group();
    }

    /** Every link in the html part: the report link and nothing else (no link that signs anybody in). */
    static void onlyTheReportLink(MimeMessage m) throws Exception {
        Matcher any = ANY_LINK.matcher(Mails.html(m));
        int links = 0;
        while (any.find()) {
            assertTrue(any.group().contains("/breach-response/report?key="), "unexpected link " + any.group());
            links++;
        }
        assertEquals(1, links, Mails.html(m));
    }

    void adminResetsPassword(String username, String password) {
        CredentialRepresentation c = new CredentialRepresentation();
        c.setType(CredentialRepresentation.PASSWORD);
        c.setValue(password);
        c.setTemporary(false);
        realm.admin().users().get(fx.userId(username)).resetPassword(c);
    }

    void requireAction(String username, String action) {
        UserRepresentation u = realm.admin().users().get(fx.userId(username)).toRepresentation();
        u.setRequiredActions(List.of(action));
        realm.admin().users().get(u.getId()).update(u);
    }

    HttpResponse<String> post(String link, String key) throws Exception {
        String action = link.substring(0, link.indexOf('?'));
        return HTTP.send(HttpRequest.newBuilder(URI.create(action)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + URLEncoder.encode(key, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String keyOf(String link) {
        return java.net.URLDecoder.decode(link.substring(link.indexOf("key=") + 4), StandardCharsets.UTF_8);
    }

    /** {@code keycloak_breach_user_reports_total{result}} on the management port (0 before the first). */
    double reports(String result) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(urls.getMetric())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return Math.max(0, MetricsIT.value(r.body(), "keycloak_breach_user_reports_total", "result=\"" + result + "\""));
    }

    /** The realm's BREACH_USER_REPORT admin events about this user. */
    List<AdminEventRepresentation> reportEvents(String username) {
        String userId = fx.userId(username);
        return realm.admin().getAdminEvents().stream()
                .filter(e -> "BREACH_USER_REPORT".equals(e.getResourceType()) && e.getResourcePath().endsWith("/" + userId)).toList();
    }

    /** Clears the browser's SSO cookie (cookies go per host: delete them on a Keycloak page that does not redirect). */
    void signOutBrowser() {
        driver.open(urls.getBase() + "/realms/" + realm.getName() + "/.well-known/openid-configuration");
        driver.driver().manage().deleteAllCookies();
    }

    // --- tests ---------------------------------------------------------------------------------------------

    @Test
    void securityEmailsTellOfEachChangeInTheUsersLanguageWithOnlyTheReportLink() throws Exception {
        EnforcementRealm.englishAndGermanWithDaveInGerman(realm, null);
        requireAction("dave", "UPDATE_PASSWORD");
        oauth.openLoginForm();
        pages.submitPassword("dave");
        assertTrue(pages.onPage("password-new"), pages.pageText());
        driver.findElement(By.id("password-new")).sendKeys("N3w-Passw0rd!long-enough");
        driver.findElement(By.id("password-confirm")).sendKeys("N3w-Passw0rd!long-enough");
        pages.submit(By.cssSelector("#kc-passwd-update-form button[type=submit]"));
        MimeMessage changed = awaitMail("dave@example.test", 1);
        assertEquals("Ihr Passwort wurde geändert", changed.getSubject());
        assertTrue(Mails.text(changed).contains("Das war ich nicht"), Mails.text(changed));
        onlyTheReportLink(changed);
        Mails.keep(changed, "security-password-changed-de");

        requireAction("alice", "CONFIGURE_TOTP");
        signOutBrowser();
        oauth.openLoginForm();
        pages.submitPassword("alice");
        pages.enrolTotp();
        MimeMessage added = awaitMail("alice@example.test", 1);
        assertEquals("A sign-in factor was added to your account", added.getSubject());
        assertTrue(Mails.text(added).contains("A second factor (authenticator app) was added to your account alice"), Mails.text(added));
        onlyTheReportLink(added);
        Mails.keep(added, "security-factor-added-en");

        String alice = fx.userId("alice");
        CredentialRepresentation otp = realm.admin().users().get(alice).credentials().stream()
                .filter(c -> "otp".equals(c.getType())).findFirst().orElseThrow();
        realm.admin().users().get(alice).removeCredential(otp.getId());
        MimeMessage removed = awaitMail("alice@example.test", 2);
        assertEquals("A sign-in factor was removed from your account", removed.getSubject());
        onlyTheReportLink(removed);
        assertEquals(1, to("dave@example.test").size(), "one email per change (not one per Keycloak event type)");
        assertEquals(0, to(CONTACT).size(), "the security contact hears of reports only");
    }

    @Test
    void theReportLinkFlagsRevokesAndTellsTheSecurityContactOnce() throws Exception {
        double reportedBefore = reports("reported");
        double refusedBefore = reports("refused");
        List<String> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            assertEquals(201, api.postJson("/webhooks", "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                    + "/hook\",\"events\":[\"user.reported\"]}").status());
            reportAndCheck(reportedBefore, refusedBefore, hooks);
        } finally {
            receiver.stop(0);
        }
    }

    private void reportAndCheck(double reportedBefore, double refusedBefore, List<String> hooks) throws Exception {
        AccessTokenResponse before = oauth.doPasswordGrantRequest("bob", Realms.PASSWORD);
        assertEquals(200, before.getStatusCode());
        adminResetsPassword("bob", "An0ther-Passw0rd!long");
        String link = reportLink(awaitMail("bob@example.test", 1));

        ChromeDriver chrome = FactorChoiceIT.chromium();
        LoginPages in = new LoginPages(chrome);
        try {
            chrome.get(link);
            assertTrue(in.onPage("kc-breach-report"), "a confirmation page: " + in.pageText());
            assertTrue(in.pageText().contains("The password of your account bob was changed."), in.pageText());
            FactorChoiceIT.screenshot(chrome, "report-confirm-en");
            chrome.get(link); // a mail scanner or a second look: the GET changes nothing
            assertEquals(404, api.get("/incidents/user-reported/flags/" + fx.userId("bob")).status(), "nothing happened on GET");
            assertEquals(200, oauth.doRefreshTokenRequest(before.getRefreshToken()).getStatusCode(), "the session lives on GET");

            in.submit(By.id("kc-breach-report"));
            assertTrue(in.onPage("breach-report-done"), in.pageText());
            FactorChoiceIT.screenshot(chrome, "report-done-en");
            chrome.get(link);
            assertTrue(in.onPage("breach-report-used"), "the same link again: " + in.pageText());
            FactorChoiceIT.screenshot(chrome, "report-used-en");
        } finally {
            chrome.quit();
        }
        var flag = fx.flagOf("user-reported", "bob");
        assertEquals("FLAGGED", flag.get("state").asText(), flag.toString());
        assertTrue(flag.get("history").toString().contains("\"actor\":{\"type\":\"USER\",\"id\":\"" + fx.userId("bob") + "\"}"), flag.toString());
        assertTrue(flag.get("history").toString().contains("reported by the user: password-changed"), flag.toString());
        assertEquals("[\"password\",\"credential\"]", api.get("/incidents/user-reported").json().get("exposedData").toString());
        AccessTokenResponse refreshed = oauth.doRefreshTokenRequest(before.getRefreshToken());
        assertEquals(400, refreshed.getStatusCode(), "the live session was revoked");
        assertEquals("invalid_grant", refreshed.getError());

        MimeMessage soc = awaitMail(CONTACT, 1);
        assertEquals("Account bob reported a change they did not make", soc.getSubject());
        assertTrue(Mails.text(soc).contains("User bob (id " + fx.userId("bob") + ")"), Mails.text(soc));
        assertFalse(ANY_LINK.matcher(Mails.text(soc)).find(), "no link in the security contact's email: " + Mails.text(soc));
        Mails.keep(soc, "report-received-en");
        // the admin alert for one report an hour: from this run or the timer (5 s), whichever comes first
        assertEquals(200, api.post("/alerts/run", null, "").status());
        MimeMessage alert = awaitMail(ALERTS, 1);
        assertEquals("Breach Response alert for " + realm.getName() + ": user reports in the last hour: 1", alert.getSubject());
        assertTrue(Mails.text(alert).contains("Each of them was flagged in the incident user-reported and signed out."), Mails.text(alert));
        assertFalse(ANY_LINK.matcher(Mails.text(alert)).find(), "no link in an alert: " + Mails.text(alert));
        Mails.keep(alert, "alert-user-reports-en");
        assertEquals(1, reportEvents("bob").size(), "one admin event");
        assertEquals(reportedBefore + 1, reports("reported"), "counted on /metrics");
        long until = System.currentTimeMillis() + 15_000;
        while (hooks.isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertEquals(1, hooks.size(), "one user.reported event: " + hooks);
        var event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(hooks.get(0));
        assertEquals("user.reported", event.get("type").asText());
        assertEquals(fx.userId("bob"), event.at("/data/userId").asText());
        assertEquals("password-changed", event.at("/data/change").asText());
        assertTrue(event.at("/data/flagged").asBoolean());

        HttpResponse<String> again = post(link, keyOf(link));
        assertEquals(410, again.statusCode());
        assertTrue(again.body().contains("breach-report-used"), again.body());
        assertEquals("no-store", again.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(refusedBefore + 1, reports("refused"));

        adminResetsPassword("bob", "Y3t-Another-Passw0rd!");
        String second = reportLink(awaitMail("bob@example.test", 2));
        HttpResponse<String> within = post(second, keyOf(second));
        assertEquals(200, within.statusCode());
        assertTrue(within.body().contains("breach-report-already"), "one report per user and hour acts: " + within.body());
        Thread.sleep(6000); // more than one check of the admin alerts (every 5 s here)
        assertEquals(1, to(CONTACT).size(), "the security contact heard once");
        assertEquals(1, to(ALERTS).size(), "one alert within its interval");
        assertEquals(1, reportEvents("bob").size());
    }

    @Test
    void forgedAndExpiredLinksChangeNothing() throws Exception {
        adminResetsPassword("carol", "An0ther-Passw0rd!long");
        String link = reportLink(awaitMail("carol@example.test", 1));
        String key = keyOf(link);
        String forged = key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
        HttpResponse<String> f = post(link, forged);
        assertEquals(400, f.statusCode());
        assertTrue(f.body().contains("breach-report-invalid"), f.body());
        assertEquals(400, post(link, "").statusCode());
        assertEquals(400, post(link, "x".repeat(5000)).statusCode());

        timeOffSet.set(8 * 86_400);
        HttpResponse<String> expired = post(link, key);
        assertEquals(410, expired.statusCode());
        assertTrue(expired.body().contains("breach-report-expired"), expired.body());
        driver.open(link);
        assertTrue(pages.onPage("breach-report-expired"), pages.pageText());
        timeOffSet.set(0);

        assertEquals(404, api.get("/incidents/user-reported/flags/" + fx.userId("carol")).status(), "nobody flagged");
        assertEquals(0, to(CONTACT).size());
        assertEquals(0, reportEvents("carol").size());
        HttpResponse<String> valid = post(link, key);
        assertEquals(200, valid.statusCode(), "the untouched link still works once its time is back: " + valid.body());
        assertNotNull(fx.flagOf("user-reported", "carol"));
    }

    @Test
    void reportingAFactorAddedRemovesThatFactor() throws Exception {
        requireAction("alice", "CONFIGURE_TOTP");
        oauth.openLoginForm();
        pages.submitPassword("alice");
        pages.enrolTotp();
        String alice = fx.userId("alice");
        assertTrue(realm.admin().users().get(alice).credentials().stream().anyMatch(c -> "otp".equals(c.getType())));
        String link = reportLink(awaitMail("alice@example.test", 1));

        HttpResponse<String> done = post(link, keyOf(link));
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().contains("breach-report-done"), done.body());
        assertFalse(realm.admin().users().get(alice).credentials().stream().anyMatch(c -> "otp".equals(c.getType())),
                "the factor someone else added cannot sign in after the mailbox proof and a new password");
        assertEquals("FLAGGED", fx.flagOf("user-reported", "alice").get("state").asText());
        assertTrue(Mails.text(awaitMail(CONTACT, 1)).contains("The second factor added at that time was removed"));
    }

    @Test
    void anEmailChangeIsToldToThePreviousAddressAndAReportPutsItBack() throws Exception {
        requireAction("bob", "UPDATE_PROFILE");
        oauth.openLoginForm();
        pages.submitPassword("bob");
        assertTrue(pages.onPage("email"), "the update-profile page: " + pages.pageText());
        driver.findElement(By.id("email")).clear();
        driver.findElement(By.id("email")).sendKeys("attacker@example.test");
        pages.submit(By.cssSelector("[type=submit]"));
        assertEquals("attacker@example.test", realm.admin().users().get(fx.userId("bob")).toRepresentation().getEmail());

        MimeMessage told = awaitMail("bob@example.test", 1);
        assertEquals("The email address of your account was changed", told.getSubject());
        onlyTheReportLink(told);
        assertEquals(0, to("attacker@example.test").size(), "the new address is not told");
        Thread.sleep(500);
        assertEquals(1, to("bob@example.test").size(), "one email for one change");

        String link = reportLink(told);
        assertEquals(200, post(link, keyOf(link)).statusCode());
        UserRepresentation bob = realm.admin().users().get(fx.userId("bob")).toRepresentation();
        assertEquals("bob@example.test", bob.getEmail(), "the mailbox proof goes to the owner's address again");
        assertTrue(bob.isEmailVerified());
        assertEquals("FLAGGED", fx.flagOf("user-reported", "bob").get("state").asText());
    }
}
