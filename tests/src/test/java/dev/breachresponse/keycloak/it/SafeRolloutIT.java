package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Safe rollout on real login pages: a report-only incident lets its flagged user in with the password and records
 * what it would have asked (stats, the login event) until an admin switches it to enforce; a break-glass member is
 * let in and recorded until removed from the group.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class SafeRolloutIT extends LoginTestBase {

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    JsonNode setup;

    @BeforeEach
    void setUp() {
        setup = fx.setup();
    }

    void incident(String id, String policy) {
        fx.incident(id, "Vendor leak " + id, "[\"email\"]", policy);
    }

    /** A fresh browser, the password form, and whether Keycloak redirected back with a code. */
    boolean passwordLoginGetsACode(String username) {
        IdentityProviders.forgetSessions(driver, realm.getName());
        oauth.openLoginForm();
        pages.submitPassword(username);
        boolean code = driver.getCurrentUrl().contains("code=");
        assertTrue(code || pages.onPage("breach-notice"), "either a code or the breach notice: " + pages.pageText());
        return code;
    }

    JsonNode stats(String incident) {
        BreachApi.Reply r = api.get("/incidents/" + incident + "/stats");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    Map<String, String> lastLoginDetails(String username) {
        List<EventRepresentation> logins = realm.admin().getEvents(List.of("LOGIN"), null, fx.userId(username), null, null, null, 0, 5);
        assertFalse(logins.isEmpty(), "a LOGIN event for " + username);
        return logins.get(0).getDetails();
    }

    @Test
    void aReportOnlyIncidentRecordsWhatItWouldAskUntilSwitchedToEnforce() {
        incident("canary", "{\"enforcement\":\"report-only\"}");
        fx.flag("canary", "bob");

        assertTrue(passwordLoginGetsACode("bob"), "report-only: the password alone signs bob in");
        JsonNode stats = stats("canary");
        assertEquals("report-only", stats.get("enforcement").asText(), stats.toString());
        assertEquals(1, stats.at("/observed/flags").asLong(), stats.toString());
        assertEquals(1, stats.at("/observed/logins").asLong(), stats.toString());
        assertEquals(1, stats.at("/observed/byReason/report-only").asLong(), stats.toString());
        assertEquals(1, stats.at("/observed/wouldAsk/enrol").asLong(), "bob has no factor: enrolment: " + stats);
        Map<String, String> details = lastLoginDetails("bob");
        assertEquals("enrol", details.get("breach_report_only"), String.valueOf(details));
        assertEquals("canary", details.get("breach_incidents"), String.valueOf(details));
        assertEquals("FLAGGED", api.get("/incidents/canary/flags/" + fx.userId("bob")).json().get("state").asText());

        // a second login counts again
        assertTrue(passwordLoginGetsACode("bob"));
        assertEquals(2, stats("canary").at("/observed/logins").asLong());

        BreachApi.Reply switched = api.putJson("/incidents/canary", "{\"policy\":{\"enforcement\":\"enforce\"}}");
        assertEquals(200, switched.status(), switched.toString());
        assertEquals("enforce", switched.json().at("/policy/enforcement").asText(), switched.toString());
        List<AdminEventRepresentation> events = realm.admin().getAdminEvents();
        assertTrue(events.stream().anyMatch(e -> "BREACH_INCIDENT".equals(e.getResourceType()) && "UPDATE".equals(e.getOperationType())
                && e.getRepresentation() != null && e.getRepresentation().contains("\"enforcement\":\"enforce\"")),
                "the switch is an admin event");

        assertFalse(passwordLoginGetsACode("bob"), "enforced from the next login: the breach notice, then enrolment");
    }

    @Test
    void theRealmDefaultModeAppliesToNewIncidents() {
        BreachApi.Reply put = api.putJson("/config", "{\"enforcement\":\"report-only\"}");
        assertEquals(200, put.status(), put.toString());
        incident("later", null);
        assertEquals("report-only", api.get("/incidents/later").json().at("/policy/enforcement").asText());
        // an unknown mode is refused: RealmConfigIT
    }

    @Test
    void aBreakGlassMemberIsLetInAndRecordedUntilRemovedFromTheGroup() {
        assertTrue(setup.get("notPatched").toString().contains("No break-glass exclusion"), setup.toString());

        GroupRepresentation g = new GroupRepresentation();
        g.setName("break-glass");
        try (Response created = realm.admin().groups().add(g)) {
            assertEquals(201, created.getStatus());
        }
        String groupId = realm.admin().groups().groups().stream().filter(x -> "break-glass".equals(x.getName())).findFirst().orElseThrow().getId();
        // a group that does not exist is refused: RealmConfigIT
        BreachApi.Reply put = api.putJson("/config", "{\"breakGlass\":{\"groups\":[\"/break-glass\"]}}");
        assertEquals(200, put.status(), put.toString());
        assertFalse(api.post("/setup", null, "").body().contains("No break-glass exclusion"));

        realm.admin().users().get(fx.userId("bob")).joinGroup(groupId);
        incident("leak", null);
        fx.flag("leak", "bob");
        assertTrue(passwordLoginGetsACode("bob"), "a break-glass member signs in with the password");
        assertEquals("enrol", lastLoginDetails("bob").get("breach_break_glass"));
        JsonNode stats = stats("leak");
        assertEquals(1, stats.at("/observed/byReason/break-glass").asLong(), stats.toString());

        realm.admin().users().get(fx.userId("bob")).leaveGroup(groupId);
        assertFalse(passwordLoginGetsACode("bob"), "out of the group: enforcement is back");
    }
}
