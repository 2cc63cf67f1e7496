package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reminder campaign and escalation on a real server with the framework's SMTP server; time moves with
 * Keycloak's time offset (the framework's test-only provider), never with sleeps.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class ReminderIT {

    static final int DAY = 24 * 60 * 60;

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @InjectOAuthClient(lifecycle = LifeCycle.METHOD)
    OAuthClient oauth;

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

    @BeforeEach
    void setUp() {
        fx = new Fixtures(urls, realm, admin);
        api = fx.api;
        // setup: the breach-response email theme (reminder templates) and the login enforcement
        fx.setup();
        EnforcementRealm.englishAndGermanWithDaveInGerman(realm, null);
    }

    void incident(String id, String policy) {
        fx.incident(id, "Vendor leak", "[\"email\",\"location\"]", policy);
    }

    /** Runs the realm's campaign now (it covers every incident). */
    JsonNode run() {
        BreachApi.Reply r = api.post("/reminders/run", null, "");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    List<MimeMessage> newMail(int before) {
        MimeMessage[] all = mail.getReceivedMessages();
        List<MimeMessage> out = new ArrayList<>();
        for (int i = before; i < all.length; i++) {
            out.add(all[i]);
        }
        return out;
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    static String to(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void remindersFollowTheScheduleInTheUsersLanguageWithoutLinks() throws Exception {
        incident("leak", null);
        fx.flag("leak", "bob");
        fx.flag("leak", "dave");
        int before = mail.getReceivedMessages().length;
        JsonNode first = run();
        assertEquals(2, first.get("sent").asInt(), first.toString());
        List<MimeMessage> sent = newMail(before);
        assertEquals(2, sent.size());
        for (MimeMessage m : sent) {
            String text = Mails.text(m);
            if (to(m).startsWith("dave")) {
                Mails.keep(m, "reminder-de");
                assertEquals("Handlungsbedarf bei Ihrem Konto nach einem Datenleck (Vendor leak)", subject(m));
            } else {
                Mails.keep(m, "reminder-en");
                assertEquals("Action needed on your account after a data leak (Vendor leak)", subject(m));
                assertTrue(text.contains("set up a second factor"), text);
                assertTrue(text.contains("This email contains no link on purpose"), text);
            }
            assertFalse(text.contains("http://") || text.contains("https://"), "no link in a reminder: " + text);
        }

        assertEquals(0, run().get("sent").asInt(), "nothing more is due today");
        timeOffSet.set(3 * DAY + 60);
        assertEquals(2, run().get("sent").asInt(), "the day-3 step");
        assertEquals(0, run().get("sent").asInt(), "and only once");

        JsonNode outbox = api.get("/incidents/leak/reminders").json();
        assertEquals(4, outbox.at("/counts/SENT").asInt(), outbox.toString());
        assertEquals(0, outbox.at("/counts/PENDING").asInt());
        List<Integer> steps = new ArrayList<>();
        outbox.get("reminders").forEach(r -> steps.add(r.get("step").asInt()));
        assertEquals(List.of(1, 1, 2, 2), steps.stream().sorted().toList());
    }

    @Test
    void noReminderAfterRemediationOrDismissal() {
        incident("leak", null);
        fx.flag("leak", "carol");
        fx.flag("leak", "bob");
        var withOtp = oauth.passwordGrantRequest("carol", Realms.PASSWORD)
                .otp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0)).send();
        assertEquals(200, withOtp.getStatusCode());
        assertEquals("REMEDIATED", api.get("/incidents/leak/flags/" + fx.userId("carol")).json().get("state").asText());
        assertEquals(200, api.delete("/incidents/leak/flags/" + fx.userId("bob") + "?reason=not-exposed").status());
        int before = mail.getReceivedMessages().length;
        JsonNode r = run();
        assertEquals(0, r.get("sent").asInt(), r.toString());
        assertEquals(0, newMail(before).size());
    }

    @Test
    void escalationAtTheDeadlineAddsWhatItRecordsAndDismissalRemovesExactlyThat() {
        incident("strict", "{\"reminders\":{\"enabled\":true,\"afterDays\":[0]},\"deadlineDays\":2}");
        UserRepresentation bob = realm.admin().users().get(fx.userId("bob")).toRepresentation();
        bob.setRequiredActions(List.of("TERMS_AND_CONDITIONS"));
        realm.admin().users().get(bob.getId()).update(bob);
        fx.flag("strict", "bob");
        run();
        assertEquals(List.of("TERMS_AND_CONDITIONS"), realm.admin().users().get(bob.getId()).toRepresentation().getRequiredActions());

        timeOffSet.set(2 * DAY + 60);
        JsonNode r = run();
        assertEquals(1, r.get("escalated").asInt(), r.toString());
        List<String> actions = realm.admin().users().get(bob.getId()).toRepresentation().getRequiredActions();
        assertTrue(actions.contains("CONFIGURE_TOTP") && actions.contains("TERMS_AND_CONDITIONS"), actions.toString());
        JsonNode f = api.get("/incidents/strict/flags/" + bob.getId()).json();
        assertEquals("[\"CONFIGURE_TOTP\",\"SESSIONS_REVOKED\"]", f.get("escalatedActions").toString(), f.toString());
        assertTrue(f.get("history").toString().contains("escalated"), f.toString());
        assertEquals(0, run().get("escalated").asInt(), "escalation happens once");

        assertEquals(200, api.delete("/incidents/strict/flags/" + bob.getId() + "?reason=false-positive").status());
        assertEquals(List.of("TERMS_AND_CONDITIONS"), realm.admin().users().get(bob.getId()).toRepresentation().getRequiredActions(),
                "the dismissal removed what the escalation added, and only that");
    }

    @Test
    void smtpDownThenUpSendsExactlyOnce() {
        var rep = realm.admin().toRepresentation();
        rep.setSmtpServer(Map.of("host", "localhost", "port", "3999", "from", "breach@example.test"));
        realm.admin().update(rep);
        incident("leak", null);
        fx.flag("leak", "bob");
        int before = mail.getReceivedMessages().length;
        JsonNode down = run();
        assertEquals(1, down.get("failed").asInt(), down.toString());
        JsonNode outbox = api.get("/incidents/leak/reminders?state=FAILED").json();
        assertEquals(1, outbox.get("reminders").get(0).get("attempts").asInt());
        assertFalse(outbox.get("reminders").get(0).get("lastError").asText().contains("@"), "no address in the error");

        rep.setSmtpServer(Map.of("host", "localhost", "port", "3025", "from", "breach@example.test"));
        realm.admin().update(rep);
        assertEquals(0, run().get("sent").asInt(), "not before the retry time");
        timeOffSet.set(301);
        assertEquals(1, run().get("sent").asInt());
        assertEquals(0, run().get("sent").asInt());
        assertEquals(1, newMail(before).size(), "exactly one email reached the user");
        assertEquals(1, api.get("/incidents/leak/reminders").json().at("/counts/SENT").asInt());
    }

    @Test
    void aRealmCanSwitchTheCampaignOff() {
        assertEquals(200, api.putJson("/config", "{\"remindersEnabled\":false}").status());
        incident("leak", null);
        fx.flag("leak", "bob");
        assertEquals(0, run().get("queued").asInt());
        assertEquals(0, api.get("/incidents/leak/reminders").json().get("reminders").size());
    }

    // --- where the campaign is run from -------------------------------------------------------------------------

    @Test
    void theRealmLevelRunCoversEveryIncidentAndNamesNone() {
        incident("leak", null);
        incident("second-leak", null);
        fx.flag("leak", "bob");
        fx.flag("second-leak", "dave");
        JsonNode r = run();
        assertEquals(2, r.get("sent").asInt(), r.toString());
        assertFalse(r.has("incidentId"), r.toString());
        assertEquals(1, api.get("/incidents/leak/reminders").json().at("/counts/SENT").asInt());
        assertEquals(1, api.get("/incidents/second-leak/reminders").json().at("/counts/SENT").asInt());
    }

    @Test
    void theIncidentPathStillRunsTheWholeRealmAndSaysItIsDeprecated() {
        incident("leak", null);
        incident("second-leak", null);
        fx.flag("leak", "bob");
        fx.flag("second-leak", "dave");
        BreachApi.Reply r = api.post("/incidents/leak/reminders/run", null, "");
        assertEquals(200, r.status(), r.toString());
        assertEquals(2, r.json().get("sent").asInt(), "the realm's campaign, as before: " + r);
        assertEquals("leak", r.json().get("incidentId").asText());
        assertEquals("@1796083200", r.header("Deprecation"), "RFC 9745 date of the deprecation");
        String link = r.header("Link");
        assertTrue(link != null && link.matches("<https?://[^>]+/admin/realms/" + realm.getName()
                + "/breach-response/reminders/run>; rel=\"successor-version\""), "Link to the successor: " + link);
    }

    @Test
    void theIncidentPathAnswers404ForAnUnknownIncidentAndRunsNothing() {
        incident("leak", null);
        fx.flag("leak", "bob");
        BreachApi.Reply r = api.post("/incidents/nope/reminders/run", null, "");
        assertEquals(404, r.status(), r.toString());
        assertEquals("not_found", r.json().get("error").asText());
        assertEquals(0, api.get("/incidents/leak/reminders").json().get("reminders").size(), "nothing queued");
    }

    @Test
    void bothRunPathsNeedManageUsers() {
        incident("leak", null);
        String token = Realms.passwordGrant(urls.getBase(), realm.getName(), "alice", Realms.PASSWORD, null).get("access_token").asText();
        BreachApi alice = new BreachApi(urls.getBase(), realm.getName(), () -> token);
        assertEquals(403, alice.post("/reminders/run", null, "").status());
        assertEquals(403, alice.post("/incidents/leak/reminders/run", null, "").status());
        assertEquals(403, alice.post("/incidents/nope/reminders/run", null, "").status(), "no 404 oracle before the rights check");
        assertEquals(401, new BreachApi(urls.getBase(), realm.getName(), () -> null).post("/reminders/run", null, "").status());
    }
}
