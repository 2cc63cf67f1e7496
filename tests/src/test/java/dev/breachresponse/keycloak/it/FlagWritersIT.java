package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.Statement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every writer of flags goes through the store's one guarded writer: driven into a move the transition table
 * forbids, each is refused and the flag's state and history stay as they were; and under every writer a flag's
 * history is numbered 0, 1, 2, … without gaps, notes (escalation, grace skip, password change) being entries
 * without states. The admin API (single flag, dismissal), the bulk job and user removal are driven through the
 * real server; login step-up, remediation, re-open on factor removal, escalation, grace skip and password change
 * through the store or flagging-service method that writer calls ({@link FlagWritersFactory}, a test-only
 * endpoint), because reaching each through a real login would cost a browser flow per move.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class FlagWritersIT {

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String realm;
    List<String> users = new ArrayList<>();
    BreachApi api;

    @BeforeEach
    void realmWithUsersAndAnIncident() {
        realm = Realms.newName("writers");
        List<UserRepresentation> reps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = UUID.randomUUID().toString();
            users.add(id);
            reps.add(Realms.user(id, "user" + i));
        }
        Realms.create(admin, UUID.randomUUID().toString(), realm, reps);
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        BreachApi.Reply created = api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\",\"location\"]}");
        assertEquals(201, created.status(), created.toString());
    }

    @AfterEach
    void removeRealm() {
        admin.realm(realm).remove();
    }

    @Test
    void historyIsNumberedWithoutGapsUnderEveryWriterIncludingABulkReflagOfADismissedUser() {
        String u = users.get(0);
        bulk(u);                                                  // 0: created by the bulk job
        assertEquals(200, write(u, "grace-skip").status());       // 1: note
        assertEquals(200, write(u, "password-changed").status()); // 2: note
        assertEquals(200, write(u, "step-up").status());          // 3: FLAGGED → STEPPED_UP
        assertEquals(200, write(u, "escalate").status());         // 4: note
        assertEquals(200, write(u, "reopen").status());           // 5: STEPPED_UP → FLAGGED
        assertEquals(200, write(u, "step-up").status());          // 6
        assertEquals(200, write(u, "remediate").status());        // 7: STEPPED_UP → REMEDIATED
        assertEquals(201, api.put("/incidents/leak/flags/" + u).status());                   // 8: re-flag
        assertEquals(200, api.delete("/incidents/leak/flags/" + u + "?reason=not-ours").status()); // 9: dismissed
        JsonNode again = bulk(u);                                 // the bulk job never re-flags: no entry
        assertEquals(1, again.at("/counts/alreadyFlagged").asInt(), again.toString());
        assertEquals(201, api.put("/incidents/leak/flags/" + u).status());                   // 10: re-flag of the dismissed user
        assertEquals("REMEDIATED", write(u, "step-up-remediate").json().get("state").asText()); // 11, 12: one locked write

        JsonNode history = history(u);
        assertEquals(13, history.size(), history.toString());
        String[] kinds = {"TRANSITION", "NOTE", "NOTE", "TRANSITION", "NOTE", "TRANSITION", "TRANSITION", "TRANSITION",
                "TRANSITION", "TRANSITION", "TRANSITION", "TRANSITION", "TRANSITION"};
        String[] to = {"FLAGGED", null, null, "STEPPED_UP", null, "FLAGGED", "STEPPED_UP", "REMEDIATED", "FLAGGED", "DISMISSED", "FLAGGED",
                "STEPPED_UP", "REMEDIATED"};
        String previous = null;
        for (int i = 0; i < history.size(); i++) {
            JsonNode h = history.get(i);
            assertEquals(i, h.get("seq").asInt(), "gap-free numbering: " + history);
            assertEquals(kinds[i], h.get("kind").asText(), "entry " + i + ": " + h);
            if ("NOTE".equals(kinds[i])) {
                assertTrue(h.get("from").isNull() && h.get("to").isNull(), "a note changes no state: " + h);
            } else {
                assertEquals(to[i], h.get("to").asText(), "entry " + i + ": " + h);
                assertEquals(previous, h.get("from").textValue(), "each move starts where the last one ended: " + h);
                assertNotEquals(h.get("from").textValue(), h.get("to").textValue(), "no move to the same state: " + h);
                previous = h.get("to").asText();
            }
        }
        assertEquals("bulk-job", history.get(0).get("cause").asText());
        assertEquals("escalated", history.get(4).get("cause").asText());
        // the single write keeps what the two writes it replaces wrote: step-up with its factor, then the login's remediation
        assertEquals("step-up", history.get(11).get("cause").asText(), history.get(11).toString());
        assertEquals("otp", history.get(11).get("detail").asText(), history.get(11).toString());
        assertEquals("login", history.get(12).get("cause").asText(), history.get(12).toString());
        assertEquals("factor otp", history.get(12).get("detail").asText(), history.get(12).toString());
        JsonNode after = flag(u);
        assertEquals("REMEDIATED", after.get("state").asText(), after.toString());
        assertEquals("otp", after.get("stepUpFactor").asText(), after.toString());
    }

    @Test
    void theOneLockedStepUpStopsAtSteppedUpWhileAPasswordChangeIsOutstandingAndRemediatesOnceItIsRecorded() {
        String u = flagged(users.get(0));
        assertEquals("STEPPED_UP", write(u, "step-up-remediate-password").json().get("state").asText());
        assertEquals(2, history(u).size(), history(u).toString());
        assertEquals(200, write(u, "password-changed").status());
        // a flag already STEPPED_UP (another login's step-up) moves on to REMEDIATED in the same kind of write
        assertEquals("REMEDIATED", write(u, "step-up-remediate-password").json().get("state").asText());
        JsonNode history = history(u);
        assertEquals(4, history.size(), history.toString());
        assertEquals("NOTE", history.get(2).get("kind").asText(), history.toString());
        assertEquals("STEPPED_UP", history.get(3).get("from").asText(), history.toString());
        assertEquals("REMEDIATED", history.get(3).get("to").asText(), history.toString());
        assertEquals(3, history.get(3).get("seq").asInt(), history.toString());
    }

    @Test
    void theOneLockedStepUpLeavesADismissedFlagAlone() {
        String u = dismissed(users.get(0));
        assertUnchanged(u, () -> assertEquals("DISMISSED", write(u, "step-up-remediate").json().get("state").asText()));
    }

    @Test
    void loginStepUpLeavesADismissedFlagAlone() {
        String u = dismissed(users.get(0));
        assertUnchanged(u, () -> assertEquals("DISMISSED", write(u, "step-up").json().get("state").asText()));
    }

    @Test
    void remediationOfAFlagThatDidNotStepUpIsRefused() {
        String u = flagged(users.get(0));
        assertUnchanged(u, () -> assertRefused(write(u, "remediate"), "FLAGGED", "REMEDIATED"));
    }

    @Test
    void reopenOnFactorRemovalOfAnOpenFlagIsRefused() {
        String u = flagged(users.get(0));
        assertUnchanged(u, () -> assertRefused(write(u, "reopen"), "FLAGGED", "FLAGGED"));
    }

    @Test
    void dismissalOfARemediatedFlagIsRefused() {
        String u = flagged(users.get(0));
        write(u, "step-up");
        assertEquals("REMEDIATED", write(u, "remediate").json().get("state").asText());
        assertUnchanged(u, () -> assertEquals(409, api.delete("/incidents/leak/flags/" + u + "?reason=late").status()));
    }

    @Test
    void escalationOfADismissedFlagAddsAndRecordsNothing() {
        String u = dismissed(users.get(0));
        assertUnchanged(u, () -> {
            BreachApi.Reply r = write(u, "escalate");
            assertEquals(200, r.status(), r.toString());
            assertEquals(0, r.json().get("escalatedActions").size(), r.toString());
        });
        assertEquals(List.of(), admin.realm(realm).users().get(u).toRepresentation().getRequiredActions(),
                "no required action on a user whose flag was dismissed");
    }

    @Test
    void notesOnFlagsTheyDoNotApplyToAreRefused() {
        String stepped = flagged(users.get(0));
        write(stepped, "step-up");
        assertUnchanged(stepped, () -> assertEquals("STEPPED_UP", write(stepped, "grace-skip").json().get("state").asText()));
        String gone = dismissed(users.get(1));
        assertUnchanged(gone, () -> assertEquals("DISMISSED", write(gone, "password-changed").json().get("state").asText()));
    }

    @Test
    void apiSingleFlagOfAnOpenFlagWritesNothingAndAClosedIncidentTakesNone() {
        String u = flagged(users.get(0));
        assertUnchanged(u, () -> assertEquals("ALREADY_FLAGGED", api.put("/incidents/leak/flags/" + u).json().get("outcome").asText()));
        String d = dismissed(users.get(1));
        assertEquals(200, api.putJson("/incidents/leak", "{\"status\":\"CLOSED\"}").status());
        assertUnchanged(d, () -> assertEquals(409, api.put("/incidents/leak/flags/" + d).status()));
    }

    @Test
    void bulkJobLeavesExistingFlagsOfEveryStateAlone() {
        String open = flagged(users.get(0));
        String remediated = flagged(users.get(1));
        write(remediated, "step-up");
        write(remediated, "remediate");
        String gone = dismissed(users.get(2));
        JsonNode before0 = flag(open);
        JsonNode before1 = flag(remediated);
        JsonNode before2 = flag(gone);
        JsonNode job = bulk(open, remediated, gone);
        assertEquals(3, job.at("/counts/alreadyFlagged").asInt(), job.toString());
        assertEquals(0, job.at("/counts/flagged").asInt(), job.toString());
        assertEquals(before0, flag(open));
        assertEquals(before1, flag(remediated));
        assertEquals(before2, flag(gone));
    }

    /**
     * MariaDB flags a bulk chunk with {@code INSERT IGNORE ... RETURNING}, whose IGNORE also turns errors other than the
     * skipped duplicate into warnings and writes the row anyway. A trigger of this test nulls one new flag's
     * FLAGGED_BY (NOT NULL): IGNORE stores an empty string with a warning. The chunk must be refused whole (the job
     * fails, nothing written) rather than keep a flag with a lost column; the other user's flag, which the insert met
     * and skipped (one warning of its own), is left as it was.
     */
    @Test
    void onMariaDbABulkInsertThatIgnoredAnErrorIsRefusedWhole() throws Exception {
        assumeTrue("mariadb".equals(System.getProperty("br.it.db", "h2")), "MariaDB's INSERT IGNORE: the bulk insert of the other databases"
                + " fails on such a row by itself");
        String victim = users.get(0);
        String existing = flagged(users.get(1));
        JsonNode before = flag(existing);
        try (Connection c = FreshDatabaseListener.connect(); Statement st = c.createStatement()) {
            st.execute("create trigger BR_IT_LOSE_FLAGGED_BY before insert on BR_FLAG for each row begin if NEW.USER_ID = '" + victim
                    + "' then set NEW.FLAGGED_BY = null; end if; end");
        }
        try {
            BreachApi.Reply accepted = api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"id\":\"" + victim + "\"},{\"id\":\""
                    + existing + "\"}]}");
            assertEquals(202, accepted.status(), accepted.toString());
            JsonNode job = api.awaitJob(accepted.json().get("id").asText(), Duration.ofSeconds(60));
            assertEquals("FAILED", job.get("state").asText(), job.toString());
            assertEquals(0, job.at("/counts/flagged").asInt(), job.toString());
        } finally {
            try (Connection c = FreshDatabaseListener.connect(); Statement st = c.createStatement()) {
                st.execute("drop trigger BR_IT_LOSE_FLAGGED_BY");
            }
        }
        assertEquals(404, api.get("/incidents/leak/flags/" + victim).status(), "no flag kept with its FLAGGED_BY lost");
        assertEquals(before, flag(existing));
        // the same bulk request without the trigger flags the user
        assertEquals(1, bulk(victim, existing).at("/counts/flagged").asInt());
    }

    @Test
    void userRemovalTakesFlagsAndHistoryAndLaterWritersFindNothing() {
        String u = flagged(users.get(0));
        String other = flagged(users.get(1));
        JsonNode otherBefore = flag(other);
        admin.realm(realm).users().delete(u).close();
        assertEquals(404, api.get("/incidents/leak/flags/" + u).status());
        assertEquals(404, write(u, "step-up").status(), "no flag left to move");
        assertEquals(otherBefore, flag(other), "another user's flag is untouched");
    }

    private String flagged(String userId) {
        BreachApi.Reply r = api.put("/incidents/leak/flags/" + userId);
        assertEquals(201, r.status(), r.toString());
        return userId;
    }

    private String dismissed(String userId) {
        flagged(userId);
        BreachApi.Reply r = api.delete("/incidents/leak/flags/" + userId + "?reason=" + BreachApi.enc("not a customer"));
        assertEquals(200, r.status(), r.toString());
        return userId;
    }

    private JsonNode bulk(String... userIds) {
        StringBuilder body = new StringBuilder("{\"subjects\":[");
        for (int i = 0; i < userIds.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(userIds[i]).append("\"}");
        }
        BreachApi.Reply accepted = api.postJson("/incidents/leak/flags", body.append("]}").toString());
        assertEquals(202, accepted.status(), accepted.toString());
        JsonNode job = api.awaitJob(accepted.json().get("id").asText(), Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        return job;
    }

    private JsonNode flag(String userId) {
        BreachApi.Reply r = api.get("/incidents/leak/flags/" + userId);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private JsonNode history(String userId) {
        return flag(userId).get("history");
    }

    /** Runs a writer that must be refused, then checks the flag (state, timestamps, history) is as it was. */
    private void assertUnchanged(String userId, Runnable writer) {
        JsonNode before = flag(userId);
        writer.run();
        assertEquals(before, flag(userId), "a refused writer changes neither the flag nor its history");
    }

    private static void assertRefused(BreachApi.Reply r, String from, String to) {
        assertEquals(409, r.status(), r.toString());
        assertEquals(from, r.json().get("from").asText());
        assertEquals(to, r.json().get("to").asText());
    }

    /** {@code POST /realms/{realm}/br-test-writers/incidents/leak/users/{id}/{writer}}: see FlagWritersFactory. */
    private BreachApi.Reply write(String userId, String writer) {
        return api.testWriter("leak", userId, writer);
    }
}
