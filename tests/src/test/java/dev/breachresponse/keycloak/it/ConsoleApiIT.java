package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the incident console reads, against the real server: {@code /me} for each kind of admin, the incidents'
 * counts, share remediated and last activity, the daily funnel (time moved with Keycloak's time offset), the
 * flags listing filtered by a username or email prefix with its count, and the streamed CSV export. Each test has
 * its own realm of admins and users; the two tests that need thousands of flags share one larger realm.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class ConsoleApiIT {

    static final int DAY = 24 * 60 * 60;

    /** Users of the larger realm shared by the tests that need many flags (dev0 … dev4999). */
    static final int MANY = 5_000;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    String realm;
    BreachApi api;
    final Map<String, String> ids = new HashMap<>();

    private static Keycloak cleanup;
    private static String manyRealm;

    @BeforeEach
    void realmWithAdminsUsersAndAnIncident() {
        cleanup = admin;
        realm = Realms.newName("console");
        List<UserRepresentation> users = new ArrayList<>();
        for (String name : List.of("manager", "viewer", "nobody")) {
            users.add(withId(Realms.user(null, name)));
        }
        // stored lower case by Keycloak; u7 matches "jane" only by email, j_x holds a LIKE wildcard
        users.add(subject("Jane.Doe", "Jane.Doe@Example.test"));
        users.add(subject("janet", "janet.k@corp.test"));
        users.add(subject("john", "j.smith@corp.test"));
        users.add(subject("u7", "jane.roe@corp.test"));
        users.add(subject("j_x", "jx@corp.test"));
        // values a spreadsheet would run as formulas
        users.add(subject("-minus", "=cmd@evil.test"));
        users.add(subject("@at", "+plus@evil.test"));
        Realms.create(admin, UUID.randomUUID().toString(), realm, users);
        Realms.grant(admin, realm, ids.get("manager"), "manage-users");
        Realms.grant(admin, realm, ids.get("viewer"), "view-users");
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        incident("leak");
    }

    @AfterEach
    void removeRealm() {
        admin.realm(realm).remove();
    }

    @AfterAll
    static void removeTheRealmWithManyFlags() {
        if (manyRealm != null) {
            cleanup.realm(manyRealm).remove();
            manyRealm = null;
        }
    }

    // --- /me ---------------------------------------------------------------------------------------------------

    @Test
    void meAnswersAManageUsersAdminWithUserRightsAndTheBulkLimits() {
        JsonNode me = as("manager").get("/me").json();
        assertEquals(realm, me.get("realm").asText(), me.toString());
        assertTrue(me.get("viewUsers").asBoolean(), "manage-users may view users: " + me);
        assertTrue(me.get("manageUsers").asBoolean(), me.toString());
        assertFalse(me.get("viewRealm").asBoolean(), me.toString());
        assertFalse(me.get("manageRealm").asBoolean(), me.toString());
        assertEquals(100_000, me.at("/limits/maxSubjects").asInt(), "the server's default cap: " + me);
        assertEquals(10_000_000L, me.at("/limits/maxBodyBytes").asLong(), me.toString());
    }

    @Test
    void meAnswersAViewUsersAdminWithReadRightsOnly() {
        JsonNode me = as("viewer").get("/me").json();
        assertTrue(me.get("viewUsers").asBoolean(), me.toString());
        assertFalse(me.get("manageUsers").asBoolean(), me.toString());
        assertFalse(me.get("viewRealm").asBoolean(), me.toString());
        assertFalse(me.get("manageRealm").asBoolean(), me.toString());
    }

    @Test
    void meRefusesAUserWithoutAnyAdminRoleWithTheJsonError() {
        BreachApi.Reply r = as("nobody").get("/me");
        assertEquals(403, r.status(), r.toString());
        assertEquals("forbidden", r.json().get("error").asText(), r.toString());
        assertTrue(r.json().get("message").asText().length() > 0, r.toString());
    }

    @Test
    void meAnswersAMasterRealmAdminWithEveryRight() {
        JsonNode me = api.get("/me").json();
        assertEquals(realm, me.get("realm").asText(), me.toString());
        for (String right : List.of("viewUsers", "manageUsers", "viewRealm", "manageRealm")) {
            assertTrue(me.get(right).asBoolean(), right + ": " + me);
        }
    }

    @Test
    void aMasterRealmUserWithRightsInOneRealmFindsItInKeycloaksRealmListAndIsRefusedElsewhere() throws Exception {
        String other = Realms.newName("other");
        Realms.create(admin, UUID.randomUUID().toString(), other, List.of());
        String username = "responder-" + UUID.randomUUID().toString().substring(0, 8);
        String userId;
        try (Response created = admin.realm("master").users().create(Realms.user(null, username))) {
            assertEquals(201, created.getStatus());
            String location = created.getLocation().toString();
            userId = location.substring(location.lastIndexOf('/') + 1);
        }
        try {
            // the master realm holds one client per realm ("<realm>-realm") whose roles give rights in that realm
            ClientRepresentation realmClient = admin.realm("master").clients().findByClientId(realm + "-realm").get(0);
            RoleRepresentation viewUsers = admin.realm("master").clients().get(realmClient.getId()).roles().get("view-users").toRepresentation();
            admin.realm("master").users().get(userId).roles().clientLevel(realmClient.getId()).add(List.of(viewUsers));
            JsonNode tokens = Realms.passwordGrant(urls.getBase(), "master", username, Realms.PASSWORD, null);
            assertEquals(200, tokens.get("_status").asInt(), tokens.toString());
            String token = tokens.get("access_token").asText();

            HttpResponse<String> realms = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/admin/realms"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, realms.statusCode(), realms.body());
            Set<String> listed = new HashSet<>();
            BreachApi.JSON.readTree(realms.body()).forEach(r -> listed.add(r.get("realm").asText()));
            assertTrue(listed.contains(realm), "Keycloak lists the realm the user has rights in: " + listed);
            assertFalse(listed.contains(other), listed.toString());

            JsonNode me = new BreachApi(urls.getBase(), realm, () -> token).get("/me").json();
            assertTrue(me.get("viewUsers").asBoolean(), me.toString());
            assertFalse(me.get("manageUsers").asBoolean(), me.toString());
            BreachApi.Reply elsewhere = new BreachApi(urls.getBase(), other, () -> token).get("/me");
            assertEquals(403, elsewhere.status(), elsewhere.toString());
        } finally {
            admin.realm("master").users().delete(userId).close();
            admin.realm(other).remove();
        }
    }

    // --- incidents: counts, share remediated, last activity ------------------------------------------------------

    @Test
    void incidentCountsPercentAndLastActivityFollowFlaggingSteppingUpRemediationAndDismissal() {
        for (String u : List.of("jane.doe", "janet", "john", "u7")) {
            flag("leak", u);
        }
        JsonNode flagged = incidentNamed("leak");
        assertCounts(flagged, 4, 0, 0, 0);
        assertEquals(0.0, flagged.get("remediatedPercent").asDouble(), flagged.toString());

        assertEquals("STEPPED_UP", write("janet", "step-up").json().get("state").asText());
        write("john", "step-up");
        assertEquals("REMEDIATED", write("john", "remediate").json().get("state").asText());
        assertEquals(200, api.delete("/incidents/leak/flags/" + ids.get("u7") + "?reason=not-ours").status());

        JsonNode listed = incidentNamed("leak");
        assertCounts(listed, 1, 1, 1, 1);
        assertEquals(33.3, listed.get("remediatedPercent").asDouble(), "1 remediated of 3 not dismissed: " + listed);
        String dismissedAt = api.get("/incidents/leak/flags/" + ids.get("u7")).json().get("dismissedAt").asText();
        assertEquals(dismissedAt, listed.get("lastActivityAt").asText(), "the newest history entry: the dismissal");
        JsonNode one = api.get("/incidents/leak").json();
        assertEquals(listed, one, "GET /incidents/{id} shows the same figures as the listing");
        assertEquals("Leak leak", one.get("title").asText(), "the incident's own fields are unchanged");
    }

    @Test
    void anIncidentWithoutFlagsHasZeroCountsAndItsOwnLastChangeAsLastActivity() {
        flag("leak", "john");
        incident("quiet");
        JsonNode quiet = incidentNamed("quiet");
        assertCounts(quiet, 0, 0, 0, 0);
        assertEquals(0.0, quiet.get("remediatedPercent").asDouble());
        assertEquals(quiet.get("updatedAt").asText(), quiet.get("lastActivityAt").asText(), quiet.toString());
        assertCounts(incidentNamed("leak"), 1, 0, 0, 0);
    }

    // --- daily funnel ----------------------------------------------------------------------------------------

    @Test
    void dailyStatsCountTransitionsPerUtcDayWithDaysWithoutAnyAndRunningTotals() {
        flag("leak", "jane.doe");
        flag("leak", "john");
        timeOffSet.set(2 * DAY + 60);
        write("jane.doe", "step-up");
        timeOffSet.set(3 * DAY + 120);
        assertEquals(200, api.delete("/incidents/leak/flags/" + ids.get("john") + "?reason=not-ours").status());

        // what the server recorded, bucketed here by UTC day
        TreeMap<LocalDate, long[]> expected = new TreeMap<>();
        for (String u : List.of("jane.doe", "john")) {
            for (JsonNode h : api.get("/incidents/leak/flags/" + ids.get(u)).json().get("history")) {
                if (!"TRANSITION".equals(h.get("kind").asText())) {
                    continue;
                }
                LocalDate day = Instant.parse(h.get("at").asText()).atZone(ZoneOffset.UTC).toLocalDate();
                int column = List.of("FLAGGED", "STEPPED_UP", "REMEDIATED", "DISMISSED").indexOf(h.get("to").asText());
                expected.computeIfAbsent(day, d -> new long[4])[column]++;
            }
        }
        JsonNode incident = api.get("/incidents/leak").json();
        LocalDate created = Instant.parse(incident.get("createdAt").asText()).atZone(ZoneOffset.UTC).toLocalDate();

        BreachApi.Reply r = api.get("/incidents/leak/stats/daily");
        assertEquals(200, r.status(), r.toString());
        JsonNode stats = r.json();
        assertEquals("leak", stats.get("incidentId").asText());
        assertEquals(created.toString(), stats.get("from").asText());
        JsonNode days = stats.get("days");
        LocalDate lastRecorded = expected.lastKey();
        LocalDate last = LocalDate.parse(days.get(days.size() - 1).get("day").asText());
        assertTrue(last.equals(lastRecorded) || last.equals(lastRecorded.plusDays(1)), "up to today: " + days);
        assertTrue(days.size() >= 4, "four days at least, the creation day to the dismissal's: " + days);
        long[] running = new long[4];
        int zeroDays = 0;
        for (int i = 0; i < days.size(); i++) {
            JsonNode d = days.get(i);
            LocalDate day = created.plusDays(i);
            assertEquals(day.toString(), d.get("day").asText(), "every day is present, in order: " + days);
            long[] want = expected.getOrDefault(day, new long[4]);
            long[] got = {d.get("flagged").asLong(), d.get("steppedUp").asLong(), d.get("remediated").asLong(), d.get("dismissed").asLong()};
            assertEquals(List.of(want[0], want[1], want[2], want[3]), List.of(got[0], got[1], got[2], got[3]), "day " + day + ": " + d);
            zeroDays += (got[0] + got[1] + got[2] + got[3]) == 0 ? 1 : 0;
            JsonNode c = stats.get("cumulative").get(i);
            for (int s = 0; s < 4; s++) {
                running[s] += got[s];
            }
            assertEquals(day.toString(), c.get("day").asText());
            assertEquals(List.of(running[0], running[1], running[2], running[3]), List.of(c.get("flagged").asLong(),
                    c.get("steppedUp").asLong(), c.get("remediated").asLong(), c.get("dismissed").asLong()), "running totals on " + day);
        }
        assertTrue(zeroDays >= 1, "the day after flagging saw nothing and is there as zeros: " + days);
        assertEquals(List.of(2L, 1L, 0L, 1L), List.of(running[0], running[1], running[2], running[3]));
    }

    // --- the flags listing: q, state, paging, X-Total-Count ------------------------------------------------------

    @Test
    void qMatchesTheStartOfAUsernameWhateverTheCaseAndListsEachUserOnce() {
        flagAll("jane.doe", "janet", "john", "u7");
        BreachApi.Reply r = api.get("/incidents/leak/flags?q=" + BreachApi.enc("JANE.D"));
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of("jane.doe"), usernames(r.json()), "username and email both match; listed once: " + r);
        assertEquals("jane.doe@example.test", r.json().get(0).get("email").asText());
        assertEquals(ids.get("jane.doe"), r.json().get(0).get("userId").asText());
        assertEquals("1", r.header("X-Total-Count"));
        assertEquals(Set.of("jane.doe", "janet", "u7"), Set.copyOf(usernames(api.get("/incidents/leak/flags?q=jane").json())),
                "janet by username, u7 by email (jane.roe@…)");
    }

    @Test
    void qMatchesTheStartOfAnEmail() {
        flagAll("jane.doe", "janet", "john", "u7");
        BreachApi.Reply r = api.get("/incidents/leak/flags?q=Jane.R");
        assertEquals(List.of("u7"), usernames(r.json()), r.toString());
        assertEquals("jane.roe@corp.test", r.json().get(0).get("email").asText());
        assertEquals(List.of("john"), usernames(api.get("/incidents/leak/flags?q=j.smith%40corp").json()));
    }

    @Test
    void qCombinesWithTheStateFilterAndPagesWithTheCountInXTotalCount() {
        flagAll("jane.doe", "janet", "john", "u7");
        assertEquals(200, api.delete("/incidents/leak/flags/" + ids.get("janet") + "?reason=not-ours").status());

        BreachApi.Reply open = api.get("/incidents/leak/flags?q=jane&state=open");
        assertEquals(Set.of("jane.doe", "u7"), Set.copyOf(usernames(open.json())), open.toString());
        assertEquals("2", open.header("X-Total-Count"));
        assertNull(open.header("X-Total-Count-Capped"), "an exact count is not capped");
        assertEquals(List.of("janet"), usernames(api.get("/incidents/leak/flags?q=jane&state=DISMISSED").json()));

        List<String> all = usernames(api.get("/incidents/leak/flags?q=jane").json());
        List<String> paged = new ArrayList<>();
        for (int first = 0; first < 4; first++) {
            BreachApi.Reply page = api.get("/incidents/leak/flags?q=jane&first=" + first + "&max=1");
            assertEquals("3", page.header("X-Total-Count"), "the count of the whole filter on every page");
            paged.addAll(usernames(page.json()));
        }
        assertEquals(all, paged, "pages follow the listing's order, oldest flag first, without gaps or repeats");
        assertEquals("4", api.get("/incidents/leak/flags").header("X-Total-Count"), "without q: every flag");
        assertEquals("3", api.get("/incidents/leak/flags?state=open").header("X-Total-Count"));
    }

    @Test
    void qTakesLikeWildcardsLiterally() {
        flagAll("jane.doe", "janet", "john", "j_x");
        assertEquals(List.of("j_x"), usernames(api.get("/incidents/leak/flags?q=j_").json()));
        assertEquals(List.of(), usernames(api.get("/incidents/leak/flags?q=" + BreachApi.enc("j%")).json()));
        assertEquals(List.of(), usernames(api.get("/incidents/leak/flags?q=" + BreachApi.enc("!")).json()));
    }

    @Test
    void aFederatedUserWithoutAStoredRowIsListedWithoutUsernameOrEmailAndNeverMatchesQ() {
        String federated = Realms.federatedUser(admin, realm, "fed-jane");
        assertEquals(201, api.put("/incidents/leak/flags/" + federated).status());
        flag("leak", "john");
        JsonNode all = api.get("/incidents/leak/flags").json();
        JsonNode fed = null;
        for (JsonNode f : all) {
            if (federated.equals(f.get("userId").asText())) {
                fed = f;
            }
        }
        assertTrue(fed != null && fed.get("username").isNull() && fed.get("email").isNull(), all.toString());
        assertEquals(List.of(), usernames(api.get("/incidents/leak/flags?q=fed").json()));
        assertEquals("john", api.get("/incidents/leak/flags?q=john").json().get(0).get("username").asText());
    }

    @Test
    void everyNewParameterIsCheckedWithA400BeforeTheIncidentIsLookedUp() {
        assertAll("bad parameters",
                () -> assertBadRequest(api.get("/incidents/leak/flags?q="), "q must be"),
                () -> assertBadRequest(api.get("/incidents/leak/flags?q=" + "%20".repeat(3)), "q must be"),
                () -> assertBadRequest(api.get("/incidents/leak/flags?q=" + "a".repeat(101)), "q must be 1 to 100"),
                () -> assertBadRequest(api.get("/incidents/leak/flags?q=ja%C2%85ne"), "control characters"),
                () -> assertBadRequest(api.get("/incidents/leak/flags?state=closed"), "state must be one of open"),
                () -> assertBadRequest(api.get("/incidents/leak/flags?q=jane&first=-1"), "first must be"),
                () -> assertBadRequest(api.get("/incidents/leak/flags?q=jane&max=0"), "max must be"),
                () -> assertBadRequest(api.get("/incidents/nope/flags?q="), "q must be"),
                () -> assertBadRequest(api.get("/incidents/leak/flags/export?state=everything"), "state must be one of open"),
                () -> assertBadRequest(api.get("/incidents/nope/flags/export?state=everything"), "state must be one of open"));
        assertEquals(200, api.get("/incidents/leak/flags?q=" + "a".repeat(100)).status(), "100 characters are fine");
        assertEquals(400, api.get("/incidents/leak/flags?q=ja%00ne").status(), "Keycloak itself refuses ASCII control characters");
    }

    @Test
    void theNewReadsNeedViewUsersAndCheckItFirst() {
        flag("leak", "john");
        BreachApi nobody = as("nobody");
        BreachApi viewer = as("viewer");
        assertAll("no view-users: 403 whether the incident exists or not",
                () -> assertForbidden(nobody.get("/incidents/leak/stats/daily")),
                () -> assertForbidden(nobody.get("/incidents/nope/stats/daily")),
                () -> assertForbidden(nobody.get("/incidents/leak/flags?q=john")),
                () -> assertForbidden(nobody.get("/incidents/leak/flags/export")),
                () -> assertForbidden(nobody.get("/incidents/nope/flags/export")));
        assertAll("view-users",
                () -> assertEquals(200, viewer.get("/incidents/leak/stats/daily").status()),
                () -> assertEquals(404, viewer.get("/incidents/nope/stats/daily").status()),
                () -> assertEquals(1, viewer.get("/incidents/leak/flags?q=john").json().size()),
                () -> assertEquals(200, viewer.get("/incidents/leak/flags/export").status()),
                () -> assertEquals("not_found", viewer.get("/incidents/nope/flags/export").json().get("error").asText()));
    }

    // --- export ----------------------------------------------------------------------------------------------

    @Test
    void exportIsACsvAttachmentWithTheHeaderAndOneRowPerFlag() {
        flagAll("jane.doe", "john");
        BreachApi.Reply r = api.get("/incidents/leak/flags/export");
        assertEquals(200, r.status(), r.toString());
        assertEquals("text/csv;charset=utf-8", r.header("Content-Type").replace(" ", "").toLowerCase());
        assertEquals("attachment; filename=\"leak-flags.csv\"", r.header("Content-Disposition"));
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals("2", r.header("X-Total-Count"));
        List<List<String>> rows = csv(r.body());
        assertEquals(List.of("userId", "username", "email", "state", "flaggedAt"), rows.get(0));
        assertEquals(3, rows.size(), rows.toString());
        Map<String, List<String>> byUser = new HashMap<>();
        rows.subList(1, rows.size()).forEach(row -> byUser.put(row.get(1), row));
        JsonNode flag = api.get("/incidents/leak/flags/" + ids.get("jane.doe")).json();
        assertEquals(List.of(ids.get("jane.doe"), "jane.doe", "jane.doe@example.test", "FLAGGED", flag.get("flaggedAt").asText()),
                byUser.get("jane.doe"));
        assertTrue(byUser.containsKey("john"), byUser.toString());
        Instant.parse(byUser.get("john").get(4)); // ISO-8601 UTC
    }

    @Test
    void exportDefusesCellsASpreadsheetWouldRunAsFormulas() {
        flagAll("-minus", "@at");
        List<List<String>> rows = csv(api.get("/incidents/leak/flags/export").body());
        Map<String, List<String>> byId = new HashMap<>();
        rows.subList(1, rows.size()).forEach(row -> byId.put(row.get(0), row));
        assertEquals(List.of("'-minus", "'=cmd@evil.test"), byId.get(ids.get("-minus")).subList(1, 3), rows.toString());
        assertEquals(List.of("'@at", "'+plus@evil.test"), byId.get(ids.get("@at")).subList(1, 3), rows.toString());
    }

    @Test
    void exportOfOpenOrOfOneStateListsOnlyThoseFlags() {
        flagAll("jane.doe", "janet", "john", "u7");
        write("janet", "step-up");
        write("john", "step-up");
        write("john", "remediate");
        assertEquals(200, api.delete("/incidents/leak/flags/" + ids.get("u7") + "?reason=not-ours").status());

        assertEquals(Set.of("jane.doe:FLAGGED", "janet:STEPPED_UP"), exported("?state=open"));
        assertEquals(Set.of("u7:DISMISSED"), exported("?state=DISMISSED"));
        assertEquals(Set.of("john:REMEDIATED"), exported("?state=remediated"));
        assertEquals(4, exported("").size(), "no state: every flag");
        assertEquals("2", api.get("/incidents/leak/flags/export?state=open").header("X-Total-Count"));
    }

    @Test
    void exportStreamsFiveThousandFlagsCompletely() throws Exception {
        String big = realmWithManyFlags();
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http11.send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/admin/realms/" + big
                        + "/breach-response/incidents/many/flags/export?state=open"))
                .header("Authorization", "Bearer " + admin.tokenManager().getAccessTokenString()).build(), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("chunked", r.headers().firstValue("Transfer-Encoding").orElse(null), "streamed, not buffered whole");
        assertTrue(r.headers().firstValue("Content-Length").isEmpty(), "no length known up front");
        assertEquals(String.valueOf(MANY), r.headers().firstValue("X-Total-Count").orElse(null));
        List<List<String>> rows = csv(r.body());
        assertEquals(MANY + 1, rows.size(), "header and one row per flag");
        Set<String> usernames = new HashSet<>();
        Set<String> userIds = new HashSet<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            userIds.add(row.get(0));
            usernames.add(row.get(1));
            assertEquals(row.get(1) + "@bench.test", row.get(2), row.toString());
            assertEquals("FLAGGED", row.get(3));
        }
        assertEquals(MANY, userIds.size(), "every flag once, across " + (MANY / 1000) + " keyset pages");
        for (int i = 0; i < MANY; i++) {
            assertTrue(usernames.contains("dev" + i), "dev" + i + " missing");
        }
        System.out.printf("[console] export of %d flags on %s: %d ms, %d bytes%n", MANY, System.getProperty("br.it.db", "h2"), millis,
                r.body().length());
    }

    @Test
    void qOverFiveThousandFlagsFindsExactlyThePrefixedUsers() {
        String big = realmWithManyFlags();
        BreachApi many = new BreachApi(urls.getBase(), big, () -> admin.tokenManager().getAccessTokenString());
        // dev1, dev10-19, dev100-199, dev1000-1999: more than 500 users, so checked per flag in listing order, and not
        // counted past the page (X-Total-Count the end of the page, capped: more follow) until the last page, exact
        BreachApi.Reply firstOne = many.get("/incidents/many/flags?q=dev1&max=1");
        assertEquals("1", firstOne.header("X-Total-Count"), firstOne.toString());
        assertEquals("true", firstOne.header("X-Total-Count-Capped"));
        List<String> byPages = new ArrayList<>();
        for (int first = 0; ; first += 500) {
            BreachApi.Reply page = many.get("/incidents/many/flags?q=dev1&max=500&first=" + first);
            byPages.addAll(usernames(page.json()));
            if (page.header("X-Total-Count-Capped") == null) {
                assertEquals("1111", page.header("X-Total-Count"), "the last page counts exactly: " + page.header("X-Total-Count"));
                break;
            }
            assertEquals(String.valueOf(first + 500), page.header("X-Total-Count"), "the end of a full page, more follow");
            assertTrue(first < MANY, "the pages end");
        }
        assertEquals(1111, byPages.size(), "every user whose username starts with dev1, once");
        assertTrue(byPages.stream().allMatch(u -> u.startsWith("dev1")), byPages.toString());
        assertEquals(1111, Set.copyOf(byPages).size());
        List<String> unfiltered = new ArrayList<>();
        for (int first = 0; first < MANY; first += 1000) {
            unfiltered.addAll(usernames(many.get("/incidents/many/flags?max=1000&first=" + first).json()));
        }
        assertEquals(unfiltered.stream().filter(u -> u.startsWith("dev1")).toList(), byPages, "in the listing's order, oldest flag first");

        JsonNode one = many.get("/incidents/many/flags?q=DEV4321").json();
        assertEquals(List.of("dev4321"), usernames(one));
        assertEquals(List.of("dev2500"), usernames(many.get("/incidents/many/flags?q=dev2500%40").json()), "by email");
        BreachApi.Reply all = many.get("/incidents/many/flags?q=dev&max=1");
        assertEquals("true", all.header("X-Total-Count-Capped"), all.toString());
        // rough timings (H2 in the build; not asserted): docs/performance.md
        for (String query : List.of("q=dev4321", "q=dev1", "q=dev", "state=open", "")) {
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                assertEquals(200, many.get("/incidents/many/flags?max=50&" + query).status());
                best = Math.min(best, (System.nanoTime() - t0) / 1_000);
            }
            System.out.printf("[console] GET flags?%s over %d flags: best of 5 %.1f ms%n", query, MANY, best / 1000.0);
        }
    }

    // --- dismissal with the reason in the body ------------------------------------------------------------

    @Test
    void aDismissalTakesItsReasonFromAJsonBodyAndRefusesAnythingElse() {
        flagAll("john");
        String path = "/incidents/leak/flags/" + ids.get("john") + "/dismissal";
        assertForbidden(as("viewer").postJson(path, "{\"reason\":\"not ours\"}"));
        assertEquals(415, api.post(path, "text/plain", "not ours").status(), "a JSON body only");
        assertAll("bodies refused before anything changes",
                () -> assertBadRequest(api.postJson(path, "[\"not ours\"]"), "JSON object"),
                () -> assertBadRequest(api.postJson(path, "{}"), "reason is required"),
                () -> assertBadRequest(api.postJson(path, "{\"reason\":5}"), "reason must be a string"),
                () -> assertBadRequest(api.postJson(path, "{\"reason\":\"x\",\"why\":1}"), "Unknown field 'why'"),
                () -> assertBadRequest(api.postJson(path, "{\"reason\":\"" + "x".repeat(1025) + "\"}"), "at most 1024"));
        assertEquals("FLAGGED", api.get("/incidents/leak/flags/" + ids.get("john")).json().get("state").asText(), "still flagged");

        BreachApi.Reply done = api.postJson(path, "{\"reason\":\"An internal test account, not a customer\"}");
        assertEquals(200, done.status(), done.toString());
        assertEquals("DISMISSED", done.json().get("state").asText());
        assertEquals("An internal test account, not a customer", done.json().get("dismissReason").asText());
        BreachApi.Reply again = api.postJson(path, "{\"reason\":\"again\"}");
        assertEquals(200, again.status(), "idempotent: " + again);
        assertEquals("An internal test account, not a customer", again.json().get("dismissReason").asText(), "the first reason stays");
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** A realm of {@value #MANY} users without credentials, all flagged in incident "many"; built once per class. */
    private String realmWithManyFlags() {
        if (manyRealm != null) {
            return manyRealm;
        }
        String name = Realms.newName("console-many");
        List<UserRepresentation> users = new ArrayList<>(MANY);
        StringBuilder subjects = new StringBuilder("{\"subjects\":[");
        for (int i = 0; i < MANY; i++) {
            UserRepresentation u = new UserRepresentation();
            u.setUsername("dev" + i);
            u.setEmail("dev" + i + "@bench.test");
            u.setEnabled(true);
            users.add(u);
            subjects.append(i == 0 ? "" : ",").append("{\"username\":\"dev").append(i).append("\"}");
        }
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(name);
        r.setEnabled(true);
        r.setUsers(users);
        long t0 = System.nanoTime();
        admin.realms().create(r);
        manyRealm = name;
        BreachApi many = new BreachApi(urls.getBase(), name, () -> admin.tokenManager().getAccessTokenString());
        assertEquals(201, many.postJson("/incidents", "{\"id\":\"many\",\"title\":\"Many\",\"exposedData\":[\"email\"]}").status());
        BreachApi.Reply job = many.postJson("/incidents/many/flags", subjects.append("]}").toString());
        assertEquals(202, job.status(), job.toString());
        JsonNode done = many.awaitJob(job.json().get("id").asText(), Duration.ofMinutes(5));
        assertEquals(MANY, done.at("/counts/flagged").asInt(), done.toString());
        System.out.printf("[console] realm of %d users flagged in %.1f s%n", MANY, (System.nanoTime() - t0) / 1e9);
        return name;
    }

    /** Gives the user a fixed id, remembered by username. */
    private UserRepresentation withId(UserRepresentation u) {
        String id = UUID.randomUUID().toString();
        u.setId(id);
        ids.put(u.getUsername(), id);
        return u;
    }

    /** A user to flag: no credentials; remembered under the username as Keycloak stores it (lower case). */
    private UserRepresentation subject(String username, String email) {
        UserRepresentation u = new UserRepresentation();
        u.setId(UUID.randomUUID().toString());
        u.setUsername(username);
        u.setEmail(email);
        u.setEnabled(true);
        ids.put(username.toLowerCase(), u.getId());
        return u;
    }

    private void incident(String id) {
        BreachApi.Reply r = api.postJson("/incidents", "{\"id\":\"" + id + "\",\"title\":\"Leak " + id + "\",\"exposedData\":[\"email\"]}");
        assertEquals(201, r.status(), r.toString());
    }

    private void flag(String incident, String username) {
        BreachApi.Reply r = api.put("/incidents/" + incident + "/flags/" + ids.get(username));
        assertEquals(201, r.status(), r.toString());
    }

    private void flagAll(String... usernames) {
        for (String u : usernames) {
            flag("leak", u);
        }
    }

    private BreachApi.Reply write(String username, String writer) {
        BreachApi.Reply r = api.testWriter("leak", ids.get(username), writer);
        assertEquals(200, r.status(), r.toString());
        return r;
    }

    /** The API as that user of the test realm (a password grant through admin-cli). */
    private BreachApi as(String username) {
        JsonNode t = Realms.passwordGrant(urls.getBase(), realm, username, Realms.PASSWORD, null);
        assertEquals(200, t.get("_status").asInt(), t.toString());
        String token = t.get("access_token").asText();
        return new BreachApi(urls.getBase(), realm, () -> token);
    }

    private JsonNode incidentNamed(String id) {
        BreachApi.Reply r = api.get("/incidents");
        assertEquals(200, r.status(), r.toString());
        for (JsonNode i : r.json()) {
            if (id.equals(i.get("id").asText())) {
                return i;
            }
        }
        throw new AssertionError("no incident " + id + " in " + r.body());
    }

    private static void assertCounts(JsonNode incident, long flagged, long steppedUp, long remediated, long dismissed) {
        Map<String, Long> want = new LinkedHashMap<>();
        want.put("FLAGGED", flagged);
        want.put("STEPPED_UP", steppedUp);
        want.put("REMEDIATED", remediated);
        want.put("DISMISSED", dismissed);
        Map<String, Long> got = new LinkedHashMap<>();
        incident.get("counts").fields().forEachRemaining(e -> got.put(e.getKey(), e.getValue().asLong()));
        assertEquals(want, got, incident.toString());
    }

    private static List<String> usernames(JsonNode flags) {
        List<String> out = new ArrayList<>();
        flags.forEach(f -> out.add(f.get("username").asText()));
        return out;
    }

    /** "username:STATE" of every exported row. */
    private Set<String> exported(String query) {
        BreachApi.Reply r = api.get("/incidents/leak/flags/export" + query);
        assertEquals(200, r.status(), r.toString());
        Set<String> out = new HashSet<>();
        List<List<String>> rows = csv(r.body());
        rows.subList(1, rows.size()).forEach(row -> out.add(row.get(1) + ":" + row.get(3)));
        return out;
    }

    private static void assertBadRequest(BreachApi.Reply r, String message) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_request", r.json().get("error").asText(), r.toString());
        assertTrue(r.json().get("message").asText().contains(message), r.toString());
    }

    private static void assertForbidden(BreachApi.Reply r) {
        assertEquals(403, r.status(), r.toString());
        assertEquals("forbidden", r.json().get("error").asText(), r.toString());
    }

    /** RFC 4180: quoted cells with doubled quotes, CRLF after every row (the last one included). */
    static List<List<String>> csv(String body) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < body.length() && body.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        assertTrue(row.isEmpty() && cell.length() == 0, "the body ends with CRLF");
        return rows;
    }
}
