package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Admin alerts on a real server with the framework's mail server: the daily digest of an incident whose flags moved
 * through real store writers (its funnel now and over the last 24 hours, its title escaped in the html part, no link
 * in either part); the failed-deliveries alert from a webhook endpoint nobody listens on, sent by the timer (5 s here)
 * without any call, in the realm's default language (German), at most once per interval and again after it
 * (Keycloak's time offset); an SMTP server that refuses gives the claim back so the next run sends; validation,
 * permissions and the alerts-off answer. User reports' alert: {@link UserReportsIT}.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class AdminAlertsIT {

    static final String SOC = "ir@example.test";
    static final Pattern ANY_LINK = Pattern.compile("https?://");

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    Fixtures fx;
    BreachApi api;
    int seen;

    /** An hour of the day twelve hours away, so that the timer never sends a digest on its own during a test. */
    static int quietHour() {
        return (ZonedDateTime.now(ZoneOffset.UTC).getHour() + 12) % 24;
    }

    /** A loopback port that was just free: nothing listens there, a connection is refused at once. */
    static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void setUp() {
        fx = new Fixtures(urls, realm, admin);
        api = fx.api;
        fx.setup();
        seen = mail.getReceivedMessages().length;
    }

    @AfterEach
    void resetTime() {
        timeOffSet.set(0);
    }

    void config(String alerts) {
        BreachApi.Reply r = api.putJson("/config", "{\"alerts\":" + alerts + "}");
        assertEquals(200, r.status(), r.toString());
    }

    JsonNode run(String query) {
        BreachApi.Reply r = api.post("/alerts/run" + query, null, "");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    static String outcome(JsonNode run, String kind) {
        for (JsonNode c : run.get("checked")) {
            if (c.get("kind").asText().equals(kind)) {
                return c.get("outcome").asText();
            }
        }
        throw new AssertionError("no " + kind + " in " + run);
    }

    List<MimeMessage> toSoc() throws Exception {
        return Mails.to(mail, seen, SOC);
    }

    MimeMessage awaitSoc(int n) throws Exception {
        return Mails.await(mail, seen, SOC, n, java.time.Duration.ofSeconds(30));
    }

    static void noLink(MimeMessage m) throws Exception {
        assertFalse(ANY_LINK.matcher(Mails.text(m)).find(), "no link in the text part: " + Mails.text(m));
        assertFalse(ANY_LINK.matcher(Mails.html(m)).find(), "no link in the html part: " + Mails.html(m));
    }

    @Test
    void theDigestShowsEachOpenIncidentsFunnelNowAndOverTheLastDay() throws Exception {
        config("{\"enabled\":true,\"contact\":\"" + SOC + "\",\"digestHourUtc\":" + quietHour()
                + ",\"userReportsPerHour\":0,\"enforcementGapsPerHour\":0,\"failedDeliveries\":0,\"failedJobsPerHour\":0}");
        fx.incident("vendor-leak", "Vendor <b>leak</b>", "[\"email\"]", null);
        for (String u : List.of("alice", "bob", "dave")) {
            fx.flag("vendor-leak", u);
        }
        assertEquals(200, api.testWriter("vendor-leak", fx.userId("alice"), "step-up").status());
        assertEquals(200, api.testWriter("vendor-leak", fx.userId("alice"), "remediate").status());
        assertEquals(200, api.testWriter("vendor-leak", fx.userId("bob"), "step-up").status());
        fx.incident("closed-leak", "Closed leak", "[\"email\"]", null);
        assertEquals(200, api.putJson("/incidents/closed-leak", "{\"status\":\"CLOSED\"}").status());

        JsonNode first = run("");
        assertEquals("notDue", outcome(first, "digest"), "not the digest's hour: " + first);
        assertEquals("off", outcome(first, "failedDeliveries"), first.toString());
        assertEquals(0, first.get("sent").size(), first.toString());

        JsonNode forced = run("?digest=true");
        assertEquals("due", outcome(forced, "digest"), forced.toString());
        assertEquals("[\"digest\"]", forced.get("sent").toString());
        MimeMessage digest = awaitSoc(1);
        assertEquals("Breach Response daily digest of " + realm.getName() + ": open incidents: 1", digest.getSubject());
        String text = Mails.text(digest);
        assertTrue(text.contains("Incident Vendor <b>leak</b> (vendor-leak), open since "), text);
        assertTrue(text.contains("Now: 1 flagged, 1 stepped up, 1 remediated, 0 dismissed (33.3 % remediated)."), text);
        assertTrue(text.contains("Last 24 hours: 3 flagged, 2 stepped up, 1 remediated, 0 dismissed."), text);
        assertTrue(text.contains("Bulk jobs in the last 24 hours: 0 succeeded, 0 failed, 0 queued or running."), text);
        assertFalse(text.contains("Closed leak"), "a closed incident is not in the digest: " + text);
        String html = Mails.html(digest);
        assertTrue(html.contains("Vendor &lt;b&gt;leak&lt;/b&gt;"), "the title is escaped in html: " + html);
        assertFalse(html.contains("<b>leak"), html);
        noLink(digest);
        Mails.keep(digest, "alert-digest-en");

        JsonNode again = run("");
        assertEquals("notDue", outcome(again, "digest"), "today's digest went out: " + again);
        assertEquals("notDue", outcome(run("?digest=true"), "digest"), "a forced digest goes at most once a minute");
        JsonNode status = api.get("/alerts").json();
        assertTrue(status.at("/lastSent/digest").asLong() > 0, status.toString());
        assertEquals(1, status.at("/sent/digest").asInt(), status.toString());
        assertTrue(status.at("/lastSent/userReports").isMissingNode(), "a kind never sent has no time: " + status);
        Thread.sleep(500);
        assertEquals(1, toSoc().size());
    }

    @Test
    void failingDeliveriesAlertFromTheTimerOncePerIntervalInTheRealmsLanguage() throws Exception {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setInternationalizationEnabled(true);
        rep.setSupportedLocales(java.util.Set.of("en", "de"));
        rep.setDefaultLocale("de");
        rep.setDisplayName("Acme Dev");
        realm.admin().update(rep);
        config("{\"enabled\":true,\"contact\":\"" + SOC + "\",\"digestHourUtc\":" + quietHour() + ",\"intervalMinutes\":60,\"failedDeliveries\":1}");
        int closed = closedPort();
        BreachApi.Reply hook = api.postJson("/webhooks", "{\"url\":\"http://127.0.0.1:" + closed + "/hook\",\"events\":[\"incident.opened\"]}");
        assertEquals(201, hook.status(), hook.toString());
        assertEquals(202, api.post("/webhooks/" + hook.json().get("id").asText() + "/test", "application/json", "").status());

        // no call: the timer (every 5 s here) finds the failing delivery and sends
        MimeMessage alert = awaitSoc(1);
        assertEquals("Breach-Response-Warnung für Acme Dev: fehlschlagende Zustellungen: 1", alert.getSubject());
        String text = Mails.text(alert);
        assertTrue(text.contains("Webhook-Zustellungen: 1"), text);
        assertTrue(text.contains("frühestens 60 Minuten"), text);
        noLink(alert);
        Mails.keep(alert, "alert-failed-deliveries-de");

        JsonNode within = run("");
        assertEquals("notDue", outcome(within, "failedDeliveries"), "within the interval: " + within);
        Thread.sleep(6_000); // more than one timer interval
        assertEquals(1, toSoc().size(), "one alert within the interval");

        timeOffSet.set(61 * 60);
        run(""); // this run or the timer, whichever comes first, sends the second
        awaitSoc(2);
        Thread.sleep(6_000);
        assertEquals(2, toSoc().size(), "one more after the interval, not one per run");
    }

    /** A webhook endpoint on a loopback port nobody listens on, and a test event to it: one failing delivery. */
    void failingDelivery() throws Exception {
        int closed = closedPort();
        BreachApi.Reply hook = api.postJson("/webhooks", "{\"url\":\"http://127.0.0.1:" + closed + "/hook\",\"events\":[\"incident.opened\"]}");
        assertEquals(201, hook.status(), hook.toString());
        String id = hook.json().get("id").asText();
        assertEquals(202, api.post("/webhooks/" + id + "/test", "application/json", "").status());
        long until = System.currentTimeMillis() + 30_000;
        while (api.get("/webhooks/" + id + "/deliveries?state=FAILED").json().at("/counts/FAILED").asInt() < 1 && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        assertEquals(1, api.get("/webhooks/" + id + "/deliveries?state=FAILED").json().at("/counts/FAILED").asInt());
    }

    /** Points the realm's SMTP settings at {@code port}; returns the port they had. */
    String smtpPort(String port) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> smtp = new java.util.HashMap<>(rep.getSmtpServer());
        String before = smtp.put("port", port);
        rep.setSmtpServer(smtp);
        realm.admin().update(rep);
        return before;
    }

    @Test
    void aRefusingMailServerGivesTheClaimBackAndTheTimerSendsOnceItAccepts() throws Exception {
        int closed = closedPort();
        String port = smtpPort(Integer.toString(closed));
        config("{\"enabled\":true,\"contact\":\"" + SOC + "\",\"digestHourUtc\":" + quietHour() + ",\"failedDeliveries\":1}");
        failingDelivery();

        // the timer's checks (every 5 s) claim the alert, fail to send it and give the claim back, each time
        Thread.sleep(12_000);
        JsonNode status = api.get("/alerts").json();
        assertTrue(status.get("lastSent").path("failedDeliveries").isMissingNode(), "nothing counts as sent: " + status);
        JsonNode forced = run("?digest=true");
        assertTrue(forced.get("failed").toString().contains("\"digest\""), forced.toString());
        assertEquals(0, forced.get("sent").size(), forced.toString());
        assertTrue(api.get("/alerts").json().get("lastSent").path("digest").isMissingNode(), "the digest's claim was given back");
        assertEquals(0, toSoc().size());

        smtpPort(port);
        MimeMessage alert = awaitSoc(1); // from the timer, no call
        assertEquals("Breach Response alert for " + realm.getName() + ": failing deliveries: 1", alert.getSubject());
        JsonNode sent = run("?digest=true");
        assertEquals("[\"digest\"]", sent.get("sent").toString(), sent.toString());
        MimeMessage digest = awaitSoc(2);
        assertTrue(Mails.text(digest).contains("No incident is open."), Mails.text(digest));
        assertTrue(Mails.text(digest).contains("webhook deliveries: 1"), Mails.text(digest));
        JsonNode after = api.get("/alerts").json();
        assertEquals(1, after.at("/sent/failedDeliveries").asInt(), after.toString());
        assertEquals(1, after.at("/sent/digest").asInt(), after.toString());
        assertEquals(0, after.get("sending").size(), after.toString());
    }

    @Test
    void runsAtTheSameMomentSendOneAlert() throws Exception {
        config("{\"enabled\":true,\"contact\":\"" + SOC + "\",\"digestHourUtc\":" + quietHour() + ",\"failedDeliveries\":0}");
        failingDelivery();
        config("{\"enabled\":true,\"contact\":\"" + SOC + "\",\"digestHourUtc\":" + quietHour() + ",\"failedDeliveries\":1}");
        List<java.util.concurrent.CompletableFuture<BreachApi.Reply>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            runs.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> api.post("/alerts/run", null, "")));
        }
        int due = 0;
        for (var f : runs) {
            BreachApi.Reply r = f.get();
            assertEquals(200, r.status(), r.toString());
            due += "due".equals(outcome(r.json(), "failedDeliveries")) ? 1 : 0;
        }
        assertTrue(due <= 1, "at most one run claims the alert (the timer may take it first): " + due);
        awaitSoc(1);
        Thread.sleep(6_000); // more than one timer check
        assertEquals(1, toSoc().size(), "one alert from six runs and the timer");
    }

    @Test
    void theTimerSendsTheDigestAtItsHourAndAgainTheNextDay() throws Exception {
        // the server's clock at ten past the next full hour; the digest's hour is that hour
        long now = System.currentTimeMillis();
        long target = (now / 3_600_000L + 1) * 3_600_000L + 10 * 60_000L;
        int offset = (int) ((target - now) / 1000);
        timeOffSet.set(offset);
        int hour = java.time.Instant.ofEpochMilli(target).atZone(ZoneOffset.UTC).getHour();
        config("{\"enabled\":true,\"contact\":\"" + SOC + "\",\"digestHourUtc\":" + hour + "}");
        MimeMessage first = awaitSoc(1); // no call: the timer, within the digest's hour
        assertTrue(first.getSubject().startsWith("Breach Response daily digest of "), first.getSubject());
        Thread.sleep(6_000);
        assertEquals(1, toSoc().size(), "once that day");
        timeOffSet.set(offset + 24 * 3600);
        MimeMessage second = awaitSoc(2);
        assertTrue(second.getSubject().startsWith("Breach Response daily digest of "), second.getSubject());
        Thread.sleep(6_000);
        assertEquals(2, toSoc().size(), "once the next day");
    }

    @Test
    void settingsAreValidatedRunNeedsManageRealmAndAlertsOn() throws Exception {
        String before = api.get("/config").body();
        String[][] refused = {
                {"{\"enabled\":true}", "alerts.enabled needs an address"},
                {"{\"contact\":\"soc@example.test\\r\\nBcc: x@evil.test\"}", "alerts.contact must be an email address"},
                {"{\"intervalMinutes\":1}", "alerts.intervalMinutes must be a whole number from 5 to 10080"},
                {"{\"digestHourUtc\":\"7\"}", "alerts.digestHourUtc must be a whole number from 0 to 23"},
                {"{\"bcc\":\"x@evil.test\"}", "unknown field 'alerts.bcc'"},
                {"{\"contact\":\"a,b@example.test\"}", "alerts.contact must be an email address"},
                {"{\"failedDeliveries\":null}", "alerts.failedDeliveries must be a whole number"},
        };
        for (String[] r : refused) {
            BreachApi.Reply reply = api.putJson("/config", "{\"alerts\":" + r[0] + "}");
            assertEquals(400, reply.status(), r[0] + " -> " + reply);
            assertTrue(reply.json().get("message").asText().startsWith(r[1]), r[0] + " -> " + reply);
        }
        assertEquals(before, api.get("/config").body(), "nothing written");

        BreachApi.Reply off = api.post("/alerts/run", null, "");
        assertEquals(409, off.status(), off.toString());
        assertEquals("alerts_off", off.json().get("error").asText());
        assertFalse(api.get("/alerts").json().get("enabled").asBoolean());

        config("{\"enabled\":true,\"contact\":\"" + SOC + "\",\"digestHourUtc\":" + quietHour() + "}");
        BreachApi.Reply bad = api.post("/alerts/run?digest=yes", null, "");
        assertEquals(400, bad.status(), bad.toString());
        assertEquals("digest must be true or false", bad.json().get("message").asText());

        String aliceId = fx.userId("alice");
        Realms.grant(admin, realm.getName(), aliceId, "view-realm");
        BreachApi viewer = new BreachApi(urls.getBase(), realm.getName(),
                () -> Realms.passwordGrant(urls.getBase(), realm.getName(), "alice", Realms.PASSWORD, null).get("access_token").asText());
        JsonNode status = viewer.get("/alerts").json();
        assertTrue(status.get("enabled").asBoolean(), status.toString());
        assertEquals(SOC, status.get("contact").asText());
        assertEquals(403, viewer.post("/alerts/run?digest=true", null, "").status(), "running needs manage-realm");
        assertEquals(401, new BreachApi(urls.getBase(), realm.getName(), () -> null).get("/alerts").status());
        Thread.sleep(6_000); // more than one timer check
        assertEquals(0, toSoc().size(), "nothing sent");
    }
}
