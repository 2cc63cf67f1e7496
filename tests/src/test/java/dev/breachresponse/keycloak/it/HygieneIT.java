package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
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
 * The hygiene campaign on a real server: alice, bob and dave have no second factor, carol has TOTP; dave reads
 * German. Time moves with Keycloak's time offset.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class HygieneIT {

    static final int DAY = 24 * 60 * 60;

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

    @BeforeEach
    void setUp() {
        fx = new Fixtures(urls, realm, admin);
        api = fx.api;
        fx.setup();
        EnforcementRealm.englishAndGermanWithDaveInGerman(realm, "Acme Dev");
    }

    void config(String hygiene) {
        BreachApi.Reply r = api.putJson("/config", "{\"hygiene\":" + hygiene + "}");
        assertEquals(200, r.status(), r.toString());
    }

    JsonNode run() {
        BreachApi.Reply r = api.post("/hygiene/run", null, "");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /** Runs slices until the pass is done (the framework server walks 3 users a slice); sums the counts. */
    Map<String, Integer> runPass() {
        Map<String, Integer> sum = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            JsonNode r = run();
            for (String k : List.of("walked", "queued", "sent")) {
                sum.merge(k, r.get(k).asInt(), Integer::sum);
            }
            if (r.get("passStarted").asBoolean()) {
                sum.put("passStarted", 1);
            }
            if (r.get("passFinished").asBoolean() || !r.get("walking").asBoolean()) {
                return sum;
            }
        }
        throw new AssertionError("the pass did not finish in 10 slices: " + sum);
    }

    /** New mail since {@code before}, by recipient's username (the part before @), text bodies. */
    Map<String, MimeMessage> newMail(int before) {
        MimeMessage[] all = mail.getReceivedMessages();
        Map<String, MimeMessage> out = new TreeMap<>();
        for (int i = before; i < all.length; i++) {
            String to = ReminderIT.to(all[i]);
            assertFalse(out.containsKey(to), "two hygiene emails to " + to + " in one run");
            out.put(to.substring(0, to.indexOf('@')), all[i]);
        }
        return out;
    }

    @Test
    void usersWithoutASecondFactorGetOneEmailPerPassInTheirLanguageAndFlaggedUsersNone() throws Exception {
        BreachApi.Reply off = api.post("/hygiene/run", null, "");
        assertEquals(409, off.status(), off.toString());
        assertEquals("hygiene_off", off.json().get("error").asText());
        assertFalse(api.get("/hygiene").json().get("enabled").asBoolean());

        // bob is flagged by an incident: its reminders speak to him, not the hygiene campaign
        fx.incident("leak", "Vendor leak", "[\"email\"]", null);
        fx.flag("leak", "bob");

        config("{\"mfaNudges\":true,\"everyDays\":30}");
        int before = mail.getReceivedMessages().length;
        Map<String, Integer> r = runPass();
        assertEquals(Map.of("passStarted", 1, "walked", 4, "queued", 2, "sent", 2), r);
        Map<String, MimeMessage> sent = newMail(before);
        assertEquals(List.of("alice", "dave"), new ArrayList<>(sent.keySet()), "no email to carol (TOTP) nor bob (flagged)");
        String alice = Mails.text(sent.get("alice"));
        assertEquals("Protect your Acme Dev account", ReminderIT.subject(sent.get("alice")));
        assertTrue(alice.contains("set up a second factor"), alice);
        assertFalse(alice.contains("choose a new password"), "password-age reminders are off: " + alice);
        assertTrue(alice.contains("This email contains no link on purpose"), alice);
        assertFalse(alice.contains("http://") || alice.contains("https://"), "no link: " + alice);
        assertEquals("Sch\u00fctzen Sie Ihr Konto bei Acme Dev", ReminderIT.subject(sent.get("dave")));
        assertTrue(Mails.text(sent.get("dave")).contains("zweiten Faktor"));
        Mails.keep(sent.get("alice"), "hygiene-en");
        Mails.keep(sent.get("dave"), "hygiene-de");

        // the same pass never emails twice; a new pass waits for everyDays
        before = mail.getReceivedMessages().length;
        JsonNode again = run();
        assertFalse(again.get("passStarted").asBoolean(), again.toString());
        assertEquals(0, again.get("queued").asInt(), again.toString());
        timeOffSet.set(29 * DAY);
        assertEquals(0, run().get("queued").asInt(), "29 days later: still the same period");
        assertEquals(0, newMail(before).size());

        JsonNode view = api.get("/hygiene").json();
        assertTrue(view.get("enabled").asBoolean());
        assertEquals(1, view.at("/walk/pass").asInt(), view.toString());
        assertFalse(view.at("/walk/walking").asBoolean());
        assertEquals(4, view.at("/walk/walked").asInt());
        assertEquals(2, view.at("/counts/SENT").asInt());
        assertEquals("[\"mfa\"]", view.at("/emails/0/asks").toString());

        timeOffSet.set(30 * DAY + 60);
        Map<String, Integer> next = runPass();
        assertEquals(1, next.get("passStarted"), next.toString());
        assertEquals(2, next.get("sent"), next.toString());
        assertEquals(2, api.get("/hygiene").json().at("/walk/pass").asInt());
    }

    @Test
    void passwordAgeRemindersAskOnlyOncePasswordsAreOlderThanConfigured() throws Exception {
        config("{\"mfaNudges\":false,\"everyDays\":7,\"passwordAgeDays\":90}");
        int before = mail.getReceivedMessages().length;
        Map<String, Integer> fresh = runPass();
        assertEquals(4, fresh.get("walked"), fresh.toString());
        assertEquals(0, fresh.get("queued"), "passwords are new: " + fresh);

        timeOffSet.set(91 * DAY);
        Map<String, Integer> old = runPass();
        assertEquals(4, old.get("sent"), old.toString());
        Map<String, MimeMessage> sent = newMail(before);
        assertEquals(List.of("alice", "bob", "carol", "dave"), new ArrayList<>(sent.keySet()));
        String carol = Mails.text(sent.get("carol"));
        assertTrue(carol.contains("choose a new password: yours is more than 90 days old"), carol);
        assertFalse(carol.contains("second factor"), "mfa nudges are off: " + carol);
    }

    @Test
    void aSliceIsBoundedAndTheWalkResumesWhereItStopped() {
        // the framework server runs with hygiene-batch-size 3 (BreachServerConfig): four users take two slices
        config("{\"mfaNudges\":true}");
        JsonNode first = run();
        assertEquals(3, first.get("walked").asInt(), first.toString());
        assertFalse(first.get("passFinished").asBoolean(), first.toString());
        assertTrue(api.get("/hygiene").json().at("/walk/walking").asBoolean());
        JsonNode second = run();
        assertEquals(1, second.get("walked").asInt(), second.toString());
        assertTrue(second.get("passFinished").asBoolean(), second.toString());
        assertEquals(3, first.get("queued").asInt() + second.get("queued").asInt(), "alice, bob and dave, once each");
    }

    @Test
    void rightsAreCheckedFirst() {
        config("{\"mfaNudges\":true}");
        BreachApi anonymous = new BreachApi(urls.getBase(), realm.getName(), () -> null);
        String token = Realms.passwordGrant(urls.getBase(), realm.getName(), "alice", Realms.PASSWORD, null).get("access_token").asText();
        BreachApi nobody = new BreachApi(urls.getBase(), realm.getName(), () -> token);
        // each refusal on its own: one that lets a caller through does not hide the others
        assertAll("refused callers",
                () -> assertEquals(401, anonymous.get("/hygiene").status(), "anonymous view"),
                () -> assertEquals(401, anonymous.post("/hygiene/run", null, "").status(), "anonymous run"),
                () -> assertEquals(403, nobody.get("/hygiene").status(), "view without rights"),
                () -> assertEquals(403, nobody.post("/hygiene/run", null, "").status(), "run without rights"));
        assertEquals(0, api.get("/hygiene").json().at("/walk/pass").asInt(), "the refused run walked nothing");
        BreachApi.Reply bad = api.get("/hygiene?state=LOST");
        assertEquals(400, bad.status(), bad.toString());
        // an invalid hygiene config is refused: RealmConfigIT
    }
}
