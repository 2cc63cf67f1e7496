package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/** Bulk flagging through the real endpoint: formats, outcomes, idempotency, dry run, revocation (refusals: {@link BulkFlagRefusalsIT}). */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BulkFlagIT {

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String realm;
    List<String> ids = new ArrayList<>();
    BreachApi api;

    @BeforeEach
    void realmWithUsers() {
        realm = Realms.newName("bulk");
        List<UserRepresentation> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            users.add(Realms.user(id, "dev" + i));
        }
        // dev4 and dev5 share an email: the realm allows duplicate emails
        users.get(5).setEmail("dev4@example.test");
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(realm);
        r.setEnabled(true);
        r.setDuplicateEmailsAllowed(true);
        r.setAdminEventsEnabled(true);
        r.setAdminEventsDetailsEnabled(true);
        r.setUsers(users);
        admin.realms().create(r);
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\",\"location\"]}").status());
    }

    @AfterEach
    void removeRealm() {
        admin.realm(realm).remove();
    }

    /**
     * A master-realm admin who holds manage-users on this realm through master's {@code <realm>-realm} client loses it
     * while their job runs: the worker's next chunk fails the job with the reason (Keycloak's check of a master admin
     * without the role reads the session context's client, which the worker sets as the admin's request would have it),
     * and the user last in the list is not flagged.
     */
    @Test
    void aMasterAdminWhoLosesTheRightsMidJobFailsItWithTheReason() {
        String username = "ops-" + UUID.randomUUID();
        UserRepresentation ops = Realms.user(UUID.randomUUID().toString(), username);
        ops.setEmail(null);
        String opsId;
        try (Response created = admin.realm("master").users().create(ops)) {
            assertEquals(201, created.getStatus());
            String location = created.getLocation().toString();
            opsId = location.substring(location.lastIndexOf('/') + 1);
        }
        try {
            ClientRepresentation realmClient = admin.realm("master").clients().findByClientId(realm + "-realm").get(0);
            var manageUsers = List.of(admin.realm("master").clients().get(realmClient.getId()).roles().get("manage-users").toRepresentation());
            var mapping = admin.realm("master").users().get(opsId).roles().clientLevel(realmClient.getId());
            mapping.add(manageUsers);
            JsonNode t = Realms.passwordGrant(urls.getBase(), "master", username, Realms.PASSWORD, null);
            assertEquals(200, t.get("_status").asInt(), t.toString());
            String token = t.get("access_token").asText();
            BreachApi asOps = new BreachApi(urls.getBase(), realm, () -> token);
            StringBuilder nd = new StringBuilder();
            for (int i = 0; i < 99_999; i++) {
                nd.append("{\"email\":\"nobody-").append(i).append("@elsewhere.test\"}\n");
            }
            nd.append("{\"username\":\"dev0\"}\n");
            BreachApi.Reply accepted = asOps.post("/incidents/leak/flags", "application/x-ndjson", nd.toString());
            assertEquals(202, accepted.status(), accepted.toString());
            mapping.remove(manageUsers);

            JsonNode job = api.awaitJob(accepted.json().get("id").asText(), java.time.Duration.ofSeconds(120));
            assertEquals("FAILED", job.get("state").asText(), job.toString());
            assertTrue(job.get("error").asText().contains("no longer has the right to manage users"), job.toString());
            assertTrue(job.get("processed").asInt() < 100_000, "stopped before the end: " + job);
            assertEquals(0, api.get("/users/" + ids.get(0) + "/flags").json().size(), "dev0, last in the list, not flagged");
        } finally {
            admin.realm("master").users().get(opsId).remove();
        }
    }

    @Test
    void jsonWithMixedSubjectsDuplicatesUnknownsAndInvalids() {
        String body = "{\"subjects\":[{\"email\":\"DEV0@example.test\"},{\"username\":\"dev1\"},{\"id\":\"" + ids.get(2) + "\"},"
                + "{\"username\":\"dev1\"},{\"email\":\"stranger@example.test\"},{\"email\":\"not-an-email\"},"
                + "{\"email\":\"dev4@example.test\"}]}";
        BreachApi.Reply accepted = api.postJson("/incidents/leak/flags", body);
        assertEquals(202, accepted.status(), accepted.toString());
        String jobId = accepted.json().get("id").asText();
        assertEquals(api.url("/jobs/" + jobId), accepted.header("Location"));
        assertEquals(7, accepted.json().at("/counts/submitted").asInt());

        JsonNode job = await(jobId);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        // one behaviour each, reported together: one wrong count does not hide the others
        assertAll("the job's counts: " + job,
                () -> assertEquals(3, job.at("/counts/flagged").asInt(), job.toString()),
                () -> assertEquals(1, job.at("/counts/alreadyFlagged").asInt(), "dev1 twice in one batch"),
                () -> assertEquals(1, job.at("/counts/notFound").asInt()),
                () -> assertEquals(1, job.at("/counts/invalid").asInt()),
                () -> assertEquals(1, job.at("/counts/ambiguous").asInt(), "two users share dev4's email: neither flagged"),
                () -> assertEquals(7, job.get("processed").asInt()));

        assertAll("the job's items, the stored flags and the admin event",
                () -> {
                    JsonNode notFound = api.get("/jobs/" + jobId + "/items?outcome=NOT_FOUND").json();
                    assertEquals(1, notFound.size());
                    assertEquals("stranger@example.test", notFound.get(0).get("subject").asText());
                    assertTrue(notFound.get(0).get("userId").isNull());
                },
                () -> {
                    JsonNode flagged = api.get("/jobs/" + jobId + "/items?outcome=FLAGGED").json();
                    assertEquals(ids.get(0), flagged.get(0).get("userId").asText(), "email matched case-insensitively");
                },
                () -> assertEquals(2, api.get("/jobs/" + jobId + "/items?first=5&max=10").json().size()),
                () -> assertEquals(0, api.get("/users/" + ids.get(4) + "/flags").json().size()),
                () -> assertEquals(0, api.get("/users/" + ids.get(5) + "/flags").json().size()),
                () -> assertEquals(3, api.get("/incidents/leak/flags").json().size()),
                () -> {
                    List<AdminEventRepresentation> events = admin.realm(realm).getAdminEvents();
                    assertTrue(events.stream().anyMatch(e -> "BREACH_FLAG_JOB".equals(e.getResourceType())
                            && e.getResourcePath().contains("incidents/leak/flags")), "admin event for the accepted job");
                });
    }

    @Test
    void ndjsonAndCsvAndRepostFlagsOnlyTheRest() {
        JsonNode first = await(api.post("/incidents/leak/flags", "application/x-ndjson",
                "{\"username\":\"dev0\"}\n{\"username\":\"dev1\"}\n").json().get("id").asText());
        assertEquals(2, first.at("/counts/flagged").asInt());

        BreachApi.Reply csv = api.post("/incidents/leak/flags", "text/csv; charset=utf-8",
                "email\ndev0@example.test\ndev1@example.test\ndev2@example.test\n");
        assertEquals(202, csv.status(), csv.toString());
        JsonNode second = await(csv.json().get("id").asText());
        assertEquals(1, second.at("/counts/flagged").asInt(), "only dev2 is new");
        assertEquals(2, second.at("/counts/alreadyFlagged").asInt());
        assertEquals(2, api.get("/incidents/leak/jobs").json().size());
    }

    @Test
    void idempotencyKeyReplaysTheSameJobAndRefusesAnotherBody() {
        String body = "{\"subjects\":[{\"username\":\"dev0\"}]}";
        BreachApi.Reply a = api.send("POST", "/incidents/leak/flags", "application/json", body, "Idempotency-Key", "soar-run-42");
        BreachApi.Reply b = api.send("POST", "/incidents/leak/flags", "application/json", body, "Idempotency-Key", "soar-run-42");
        assertEquals(202, a.status(), a.toString());
        assertEquals(202, b.status(), b.toString());
        assertEquals(a.json().get("id"), b.json().get("id"));
        BreachApi.Reply c = api.send("POST", "/incidents/leak/flags", "application/json", "{\"subjects\":[{\"username\":\"dev1\"}]}",
                "Idempotency-Key", "soar-run-42");
        assertEquals(422, c.status(), c.toString());
        assertEquals("idempotency_key_reused", c.json().get("error").asText());
        await(a.json().get("id").asText());
        assertEquals(1, api.get("/incidents/leak/jobs").json().size());
    }

    @Test
    void dryRunCountsWithoutWriting() {
        JsonNode job = await(api.post("/incidents/leak/flags?dryRun=true", "application/json",
                "{\"subjects\":[{\"username\":\"dev0\"},{\"username\":\"ghost\"}]}").json().get("id").asText());
        assertTrue(job.get("dryRun").asBoolean());
        assertEquals(1, job.at("/counts/flagged").asInt());
        assertEquals(1, job.at("/counts/notFound").asInt());
        assertEquals(0, api.get("/incidents/leak/flags").json().size(), "a dry run writes no flag");
    }

    @Test
    void flaggingByJobRevokesRefreshAndOfflineTokens() {
        JsonNode tokens = Realms.passwordGrant(urls.getBase(), realm, "dev3", Realms.PASSWORD, null);
        assertEquals(200, tokens.get("_status").asInt(), tokens.toString());
        // imported users hold no default roles: give dev3 the role that allows offline tokens
        admin.realm(realm).users().get(ids.get(3)).roles().realmLevel()
                .add(List.of(admin.realm(realm).roles().get("offline_access").toRepresentation()));
        JsonNode offline = Realms.passwordGrant(urls.getBase(), realm, "dev3", Realms.PASSWORD, "offline_access");
        assertEquals(200, offline.get("_status").asInt(), offline.toString());
        assertEquals("Offline", BreachApi.jwtPayload(offline.get("refresh_token").asText()).get("typ").asText(), "an offline token");
        // both still work before the flag
        JsonNode offlineBefore = Realms.refresh(urls.getBase(), realm, offline.get("refresh_token").asText());
        assertEquals(200, offlineBefore.get("_status").asInt(), offlineBefore.toString());

        JsonNode job = await(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev3\"}]}").json().get("id").asText());
        assertEquals(2, job.at("/counts/sessionsRevoked").asInt(), "the online and the offline session: " + job);
        JsonNode refused = Realms.refresh(urls.getBase(), realm, tokens.get("refresh_token").asText());
        assertEquals(400, refused.get("_status").asInt(), refused.toString());
        JsonNode offlineRefused = Realms.refresh(urls.getBase(), realm, offlineBefore.get("refresh_token").asText());
        assertEquals(400, offlineRefused.get("_status").asInt(), offlineRefused.toString());
    }

    @Test
    void aUserInTwoIncidentsGetsAFlagInEach() {
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak-2\",\"title\":\"Second leak\",\"exposedData\":[\"email\",\"password\"]}").status());
        JsonNode first = await(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev0\"}]}").json().get("id").asText());
        JsonNode second = await(api.postJson("/incidents/leak-2/flags", "{\"subjects\":[{\"username\":\"dev0\"},{\"username\":\"dev1\"}]}")
                .json().get("id").asText());
        assertEquals(1, first.at("/counts/flagged").asInt(), first.toString());
        assertEquals(2, second.at("/counts/flagged").asInt(), "dev0's flag in the first incident does not count here: " + second);
        JsonNode flags = api.get("/users/" + ids.get(0) + "/flags").json();
        assertEquals(2, flags.size(), flags.toString());
        assertTrue(flags.toString().contains("\"leak\"") && flags.toString().contains("\"leak-2\""), flags.toString());
    }

    @Test
    void flaggingByJobSetsNotBeforeOnEveryFlaggedUserAndKeycloakSeesIt() {
        long before = System.currentTimeMillis() / 1000 - 1;
        // read dev0 and dev1 first, so that Keycloak's user cache holds them: the job must evict them
        assertEquals(0, (int) java.util.Objects.requireNonNullElse(admin.realm(realm).users().get(ids.get(0)).toRepresentation().getNotBefore(), 0));
        admin.realm(realm).users().get(ids.get(1)).toRepresentation();
        JsonNode job = await(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev0\"},{\"username\":\"dev1\"}]}")
                .json().get("id").asText());
        assertEquals(2, job.at("/counts/flagged").asInt(), job.toString());
        for (String id : List.of(ids.get(0), ids.get(1))) {
            Integer nb = admin.realm(realm).users().get(id).toRepresentation().getNotBefore();
            assertTrue(nb != null && nb >= before, "not-before set and visible through Keycloak's cache: " + nb);
        }
        Integer untouched = admin.realm(realm).users().get(ids.get(2)).toRepresentation().getNotBefore();
        assertTrue(untouched == null || untouched == 0, "an unflagged user keeps no not-before: " + untouched);
        // not-before lies in the past of the next login: the user can still sign in (and meets the step-up)
        assertEquals(200, Realms.passwordGrant(urls.getBase(), realm, "dev0", Realms.PASSWORD, null).get("_status").asInt());
    }

    @Test
    void federatedUsersGoThroughKeycloaksLookupBesideStoredUsersAndServiceAccountsAreNotFound() {
        String carolId = Realms.federatedUser(admin, realm, "carol");
        ClientRepresentation robot = new ClientRepresentation();
        robot.setClientId("robot");
        robot.setPublicClient(false);
        robot.setServiceAccountsEnabled(true);
        try (Response r = admin.realm(realm).clients().create(robot)) {
            assertEquals(201, r.getStatus());
        }

        JsonNode job = await(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"Carol\"},{\"id\":\"" + carolId + "\"},"
                + "{\"email\":\"dev0@example.test\"},{\"username\":\"DEV1\"},{\"username\":\"nobody\"},"
                + "{\"username\":\"service-account-robot\"}]}").json().get("id").asText());
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        assertEquals(3, job.at("/counts/flagged").asInt(), job.toString());
        assertEquals(1, job.at("/counts/alreadyFlagged").asInt(), "carol by username, then by id");
        assertEquals(2, job.at("/counts/notFound").asInt(), "nobody, and the service account");
        JsonNode flagged = api.get("/jobs/" + job.get("id").asText() + "/items?outcome=FLAGGED").json();
        assertEquals(carolId, flagged.get(0).get("userId").asText());
        assertEquals(ids.get(0), flagged.get(1).get("userId").asText());
        assertEquals(ids.get(1), flagged.get(2).get("userId").asText(), "usernames match case-insensitively");
        assertEquals(1, api.get("/users/" + BreachApi.enc(carolId) + "/flags").json().size());
    }

    @Test
    void statsAddUp() {
        await(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev0\"},{\"username\":\"dev1\"},{\"username\":\"dev2\"}]}")
                .json().get("id").asText());
        assertEquals(200, api.delete("/incidents/leak/flags/" + ids.get(2) + "?reason=" + BreachApi.enc("test account")).status());
        JsonNode stats = api.get("/incidents/leak/stats").json();
        assertEquals(3, stats.get("flagged").asInt());
        assertEquals(2, stats.at("/open/count").asInt());
        assertEquals(1, stats.at("/dismissed/count").asInt());
        assertEquals(33.3, stats.at("/dismissed/percent").asDouble(), 0.01);
        long sum = 0;
        for (JsonNode n : stats.get("byState")) {
            sum += n.asLong();
        }
        assertEquals(3, sum);
    }

    @Test
    void cancellingAFinishedJobChangesNothingAndUnknownJobsAre404() {
        String jobId = api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev0\"}]}").json().get("id").asText();
        JsonNode done = await(jobId);
        BreachApi.Reply cancel = api.delete("/jobs/" + jobId);
        assertEquals(200, cancel.status());
        assertEquals("SUCCEEDED", cancel.json().get("state").asText());
        assertEquals(done.get("finishedAt"), cancel.json().get("finishedAt"));
        assertEquals(404, api.get("/jobs/" + UUID.randomUUID()).status());
        assertNotEquals(0, done.at("/counts/flagged").asInt());
    }

    @Test
    void aJobStoredAsItemRowsBeforePagesExistedIsProcessedAfterTheUpgrade() throws Exception {
        assumeTrue(!"h2".equals(System.getProperty("br.it.db", "h2")),
                "writes an earlier version's job straight into the run's shared database (PostgreSQL, MariaDB)");
        String body = "{\"subjects\":[{\"username\":\"dev0\"},{\"email\":\"nobody@example.test\"},{\"email\":\"not-an-email\"},"
                + "{\"username\":\"dev1\"},{\"id\":\"" + ids.get(2) + "\"}]}";
        JsonNode done = await(api.postJson("/incidents/leak/flags", body).json().get("id").asText());
        assertEquals(3, done.at("/counts/flagged").asInt(), done.toString());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"later\",\"title\":\"Later\",\"exposedData\":[\"email\"]}").status());

        // the same request as an earlier version left it queued for the incident "later": a BR_JOB row and one
        // BR_JOB_ITEM row per subject (outcome null, INVALID for the refused one), no page
        String legacy = UUID.randomUUID().toString();
        try (Connection c = FreshDatabaseListener.connect()) {
            c.setAutoCommit(false); // the job and its rows appear together: a worker must not claim a job without items
            String incidentRow = one(c, "select ID from BR_INCIDENT where REALM_ID = ? and INCIDENT_KEY = 'later'", realmId());
            copyJob(c, done.get("id").asText(), legacy, incidentRow);
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB_ITEM (JOB_ID, SEQ, SUBJECT_TYPE, SUBJECT, OUTCOME, DETAIL)"
                    + " values (?, 0, 'USERNAME', 'dev0', null, null), (?, 1, 'EMAIL', 'nobody@example.test', null, null),"
                    + " (?, 2, 'EMAIL', 'not-an-email', 'INVALID', 'not an email address'), (?, 3, 'USERNAME', 'dev1', null, null),"
                    + " (?, 4, 'ID', ?, null, null)")) {
                for (int p = 1; p <= 5; p++) {
                    ps.setString(p, legacy);
                }
                ps.setString(6, ids.get(2));
                assertEquals(5, ps.executeUpdate());
            }
            c.commit();
        }
        // a new job wakes the worker, which takes the older one first
        await(api.postJson("/incidents/later/flags", "{\"subjects\":[{\"username\":\"dev3\"}]}").json().get("id").asText());
        JsonNode job = await(legacy);
        assertAll("the earlier version's job, processed from its rows: " + job,
                () -> assertEquals("SUCCEEDED", job.get("state").asText()),
                () -> assertEquals(5, job.get("processed").asInt()),
                () -> assertEquals(3, job.at("/counts/flagged").asInt(), "flags in the incident 'later'"),
                () -> assertEquals(1, job.at("/counts/notFound").asInt()),
                () -> assertEquals(List.of("FLAGGED", "NOT_FOUND", "INVALID", "FLAGGED", "FLAGGED"),
                        outcomes(api.get("/jobs/" + legacy + "/items").json()), "one row per item, each once"),
                () -> assertEquals(4, api.get("/incidents/later/flags").json().size(), "dev0, dev1, dev2 and dev3"),
                () -> assertEquals(List.of(1), seqs(api.get("/jobs/" + legacy + "/items?outcome=NOT_FOUND").json())));
        try (Connection c = FreshDatabaseListener.connect()) {
            assertEquals("0", one(c, "select count(*) from BR_JOB_ITEM where JOB_ID = ?", legacy), "its rows replaced by the chunk's result");
            assertEquals("1", one(c, "select count(*) from BR_JOB_RESULT where JOB_ID = ?", legacy));
        }
    }

    @Test
    void subjectsNotProcessedYetAreListedFromTheirPage() throws Exception {
        assumeTrue(!"h2".equals(System.getProperty("br.it.db", "h2")),
                "writes a stopped job straight into the run's shared database (PostgreSQL, MariaDB)");
        // a cancelled job that processed its first subject before an upgrade (an item row) and its second after it (a
        // result page of one), and the intake page of all four as submitted
        String stopped = UUID.randomUUID().toString();
        try (Connection c = FreshDatabaseListener.connect()) {
            c.setAutoCommit(false);
            cancelledCopy(c, stopped, 2, 1);
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB_ITEM (JOB_ID, SEQ, SUBJECT_TYPE, SUBJECT, OUTCOME, USER_ID)"
                    + " values (?, 0, 'USERNAME', 'dev0', 'ALREADY_FLAGGED', ?)")) {
                ps.setString(1, stopped);
                ps.setString(2, ids.get(0));
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB_RESULT (JOB_ID, FIRST_SEQ, ITEMS, FLAGGED, ALREADY_FLAGGED,"
                    + " NOT_FOUND, INVALID, AMBIGUOUS, BODY) values (?, 1, 1, 0, 0, 1, 0, 0, ?)")) {
                ps.setString(1, stopped);
                ps.setString(2, "[[\"EMAIL\",\"x@example.test\",\"NOT_FOUND\",null,null,\"USERNAME:dev9\"]]");
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB_PAGE (JOB_ID, FIRST_SEQ, ITEMS, BODY) values (?, 0, 4, ?)")) {
                ps.setString(1, stopped);
                ps.setString(2, "[[\"USERNAME\",\"dev0\",null,null],[\"EMAIL\",\"x@example.test\",null,\"USERNAME:dev9\"],"
                        + "[\"EMAIL\",\"not-an-email\",\"not an email address\",null],[\"ID\",\"" + ids.get(1) + "\",null,null]]");
                assertEquals(1, ps.executeUpdate());
            }
            c.commit();
        }
        JsonNode all = api.get("/jobs/" + stopped + "/items").json();
        assertAll("items of a job stopped after its second subject: " + all,
                () -> assertEquals(Arrays.asList("ALREADY_FLAGGED", "NOT_FOUND", "INVALID", null), outcomes(all),
                        "processed from its row and its result page, the rest from the intake page"),
                () -> assertEquals("dev9", all.get(1).at("/alsoGiven/username").asText(), all.get(1).toString()),
                () -> assertEquals(List.of(1), seqs(api.get("/jobs/" + stopped + "/items?outcome=NOT_FOUND").json())),
                () -> assertEquals(List.of(0, 1, 2, 3), seqs(all)),
                () -> assertEquals("x@example.test", all.get(1).get("subject").asText()),
                () -> assertEquals(ids.get(0), all.get(0).get("userId").asText()),
                () -> assertEquals(List.of(2), seqs(api.get("/jobs/" + stopped + "/items?outcome=INVALID").json())),
                () -> assertEquals(List.of(2, 3), seqs(api.get("/jobs/" + stopped + "/items?first=2&max=5").json())),
                () -> assertEquals(List.of(1), seqs(api.get("/jobs/" + stopped + "/items?first=1&max=1").json())),
                () -> assertEquals(List.of(), seqs(api.get("/jobs/" + stopped + "/items?outcome=FLAGGED").json())));
    }

    @Test
    void aJobAnEarlierVersionQueuedListsItsResultPageThenItsRemainingRows() throws Exception {
        assumeTrue(!"h2".equals(System.getProperty("br.it.db", "h2")),
                "writes a stopped job straight into the run's shared database (PostgreSQL, MariaDB)");
        // queued by an earlier version (a row per subject, no page), its first chunk of two processed by this one (the
        // rows replaced by a result page), then cancelled: rows 2 and 3 remain, one of them refused at intake
        String stopped = UUID.randomUUID().toString();
        try (Connection c = FreshDatabaseListener.connect()) {
            c.setAutoCommit(false);
            cancelledCopy(c, stopped, 2, 2);
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB_RESULT (JOB_ID, FIRST_SEQ, ITEMS, FLAGGED, ALREADY_FLAGGED,"
                    + " NOT_FOUND, INVALID, AMBIGUOUS, BODY) values (?, 0, 2, 1, 0, 0, 1, 0, ?)")) {
                ps.setString(1, stopped);
                ps.setString(2, "[[\"USERNAME\",\"dev0\",\"FLAGGED\",\"" + ids.get(0) + "\",null,null],"
                        + "[\"EMAIL\",\"bad\",\"INVALID\",null,\"not an email address\",null]]");
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB_ITEM (JOB_ID, SEQ, SUBJECT_TYPE, SUBJECT, OUTCOME, DETAIL)"
                    + " values (?, 2, 'EMAIL', 'x@example.test', null, null), (?, 3, 'EMAIL', 'also-bad', 'INVALID', 'not an email address')")) {
                ps.setString(1, stopped);
                ps.setString(2, stopped);
                assertEquals(2, ps.executeUpdate());
            }
            c.commit();
        }
        String items = "/jobs/" + stopped + "/items";
        JsonNode all = api.get(items).json();
        assertAll("items of a job an earlier version queued, stopped after its first chunk: " + all,
                () -> assertEquals(Arrays.asList("FLAGGED", "INVALID", null, "INVALID"), outcomes(all)),
                () -> assertEquals(List.of(0, 1, 2, 3), seqs(all)),
                () -> assertEquals(List.of(1), seqs(api.get(items + "?first=1&max=1").json())),
                () -> assertEquals(List.of(2), seqs(api.get(items + "?first=2&max=1").json()), "max holds when the rows follow a skipped page"),
                () -> assertEquals(List.of(2, 3), seqs(api.get(items + "?first=2&max=5").json())),
                () -> assertEquals(List.of(1, 3), seqs(api.get(items + "?outcome=INVALID").json())),
                () -> assertEquals(List.of(1), seqs(api.get(items + "?outcome=INVALID&max=1").json())),
                () -> assertEquals(List.of(3), seqs(api.get(items + "?outcome=INVALID&first=1&max=1").json())),
                () -> assertEquals(List.of(0), seqs(api.get(items + "?outcome=FLAGGED").json())));
    }

    /**
     * As {@link #copyJob}, of a finished one-subject job this makes, CANCELLED after {@code processed} of four subjects,
     * {@code invalid} of them refused at intake; its items are the caller's to write (in {@code c}'s transaction).
     */
    private void cancelledCopy(Connection c, String id, int processed, int invalid) throws Exception {
        JsonNode done = await(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev0\"}]}").json().get("id").asText());
        copyJob(c, done.get("id").asText(), id, null);
        try (PreparedStatement ps = c.prepareStatement("update BR_JOB set STATE = 'CANCELLED', SUBMITTED = 4, PROCESSED = ?, INVALID = ? where ID = ?")) {
            ps.setInt(1, processed);
            ps.setInt(2, invalid);
            ps.setString(3, id);
            assertEquals(1, ps.executeUpdate());
        }
    }

    private static List<String> outcomes(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("outcome").isNull() ? null : i.get("outcome").asText()));
        return out;
    }

    private static List<Integer> seqs(JsonNode items) {
        List<Integer> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("seq").asInt()));
        return out;
    }

    private String realmId() {
        return admin.realm(realm).toRepresentation().getId();
    }

    private static String one(Connection c, String sql, String param) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql);
                return rs.getString(1);
            }
        }
    }

    /** A copy of job {@code from}'s row as a fresh QUEUED job {@code to} (for {@code incidentRow}, when given). */
    private static void copyJob(Connection c, String from, String to, String incidentRow) throws java.sql.SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select * from BR_JOB where ID = ?")) {
            ps.setString(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i).toUpperCase(java.util.Locale.ROOT), rs.getObject(i));
                }
            }
        }
        row.put("ID", to);
        if (incidentRow != null) {
            row.put("INCIDENT_ID", incidentRow);
        }
        row.put("STATE", "QUEUED");
        row.put("IDEMPOTENCY_KEY", null);
        row.put("CREATED_AT", ((Number) row.get("CREATED_AT")).longValue() - 1000); // older than the job that wakes the worker
        for (String zero : List.of("PROCESSED", "FLAGGED", "ALREADY_FLAGGED", "NOT_FOUND", "AMBIGUOUS", "SESSIONS_REVOKED")) {
            row.put(zero, 0);
        }
        for (String none : List.of("STARTED_AT", "FINISHED_AT", "LEASE_OWNER", "LEASE_UNTIL", "ERROR")) {
            row.put(none, null);
        }
        String sql = "insert into BR_JOB (" + String.join(", ", row.keySet()) + ") values ("
                + String.join(", ", java.util.Collections.nCopies(row.size(), "?")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            for (Object v : row.values()) {
                ps.setObject(p++, v);
            }
            assertEquals(1, ps.executeUpdate());
        }
    }


    private JsonNode await(String jobId) {
        return api.awaitJob(jobId, java.time.Duration.ofSeconds(60));
    }
}
