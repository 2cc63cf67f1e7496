package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class RealmSettingsCodecTest {

    private static final ObjectMapper M = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return M.readTree(s);
    }

    @Test
    void anEmptyDocumentGivesTheDefaults() throws Exception {
        assertEquals(RealmSettings.DEFAULTS, RealmSettingsCodec.read(json("{}")));
    }

    @Test
    void roundTripsThroughStorage() throws Exception {
        RealmSettings s = RealmSettingsCodec.read(json(
                "{\"allowedFactors\":[\"webauthn\",\"otp\"],\"grace\":{\"days\":2,\"skips\":1},\"enrolmentFactor\":\"webauthn\",\"noticeText\":{\"de\":\"Hallo\",\"pt-BR\":\"Olá\"}}"));
        assertEquals(s, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(s).toString()));
        assertEquals(RealmSettings.Hygiene.OFF, s.hygiene());
        RealmSettings h = RealmSettingsCodec.read(json("{\"hygiene\":{\"mfaNudges\":true,\"everyDays\":14,\"passwordAgeDays\":365}}"));
        assertEquals(new RealmSettings.Hygiene(true, 14, 365), h.hygiene());
        assertTrue(h.hygiene().on());
        assertEquals(h, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(h).toString()));
        assertEquals("Hallo", s.noticeTextFor(Locale.GERMANY));
        assertEquals("Olá", s.noticeTextFor(Locale.forLanguageTag("pt-BR")));
    }

    @Test
    void rejectsWhatItDoesNotKnowWithTheFieldNamed() {
        assertMessage("{\"x\":1}", "unknown field 'x'");
        assertMessage("{\"allowedFactors\":[\"sms\"]}", "allowedFactors");
        assertMessage("{\"allowedFactors\":[]}", "allowedFactors");
        assertMessage("{\"grace\":{\"days\":400}}", "grace.days");
        assertMessage("{\"enrolmentFactor\":\"recovery-codes\"}", "enrolmentFactor");
        assertMessage("{\"allowedFactors\":[\"webauthn\"]}", "enrolmentFactor 'otp' must be one of allowedFactors");
        assertMessage("{\"noticeText\":{\"english\":\"x\"}}", "language tag");
        assertMessage("{\"noticeText\":{\"en\":\"" + "x".repeat(1001) + "\"}}", "noticeText.en");
        assertMessage("{\"hygiene\":true}", "hygiene must be an object");
        assertMessage("{\"hygiene\":{\"nudges\":true}}", "unknown field 'hygiene.nudges'");
        assertMessage("{\"hygiene\":{\"mfaNudges\":\"yes\"}}", "hygiene.mfaNudges");
        assertMessage("{\"hygiene\":{\"everyDays\":1}}", "hygiene.everyDays");
        assertMessage("{\"hygiene\":{\"everyDays\":7.5}}", "hygiene.everyDays");
        assertMessage("{\"hygiene\":{\"passwordAgeDays\":10}}", "hygiene.passwordAgeDays");
        assertMessage("{\"hygiene\":{\"passwordAgeDays\":-1}}", "hygiene.passwordAgeDays");
        assertThrows(IllegalArgumentException.class, () -> RealmSettingsCodec.read(M.createArrayNode()));
    }

    @Test
    void newIncidentsTakeTheRealmFactorsAndGraceButASecretKeepsNoGrace() {
        RealmSettings realm = new RealmSettings(List.of("otp"), new Policy.Grace(3, 2), "otp", java.util.Map.of(), true, RealmSettings.Hygiene.OFF, dev.breachresponse.keycloak.incident.EnforcementMode.ENFORCE, RealmSettings.BreakGlass.NONE);
        Policy contact = Policy.defaultsFor(List.of("email"), realm);
        assertEquals(List.of("otp"), contact.allowedFactors());
        assertEquals(new Policy.Grace(3, 2), contact.grace());
        Policy secret = Policy.defaultsFor(List.of("email", "password"), realm);
        assertEquals(new Policy.Grace(0, 0), secret.grace());
        assertTrue(secret.requirePasswordChange());
    }

    @Test
    void enforcementModeAndBreakGlassRoundTripAndReachNewIncidents() throws Exception {
        RealmSettings s = RealmSettingsCodec.read(json(
                "{\"enforcement\":\"report-only\",\"breakGlass\":{\"roles\":[\"emergency-admin\",\"realm-management/realm-admin\",\"emergency-admin\"],\"groups\":[\"/break-glass\"]}}"));
        assertEquals(EnforcementMode.REPORT_ONLY, s.enforcement());
        assertEquals(List.of("emergency-admin", "realm-management/realm-admin"), s.breakGlass().roles(), "duplicates dropped");
        assertEquals(List.of("/break-glass"), s.breakGlass().groups());
        assertEquals(s, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(s).toString()));
        assertTrue(Policy.defaultsFor(List.of("email"), s).reportOnly(), "new incidents take the realm's mode");
        assertTrue(RealmSettings.DEFAULTS.breakGlass().isEmpty());
    }

    @Test
    void rejectsBadModesAndBreakGlassNames() {
        assertMessage("{\"enforcement\":\"audit\"}", "enforcement must be");
        assertMessage("{\"breakGlass\":[\"/x\"]}", "breakGlass must be an object");
        assertMessage("{\"breakGlass\":{\"users\":[\"x\"]}}", "unknown field 'breakGlass.users'");
        assertMessage("{\"breakGlass\":{\"groups\":[\"break-glass\"]}}", "breakGlass.groups: 'break-glass' is not a group path");
        assertMessage("{\"breakGlass\":{\"roles\":[\"\"]}}", "breakGlass.roles");
        assertMessage("{\"breakGlass\":{\"roles\":" + java.util.Collections.nCopies(21, "\"r\"") + "}}", "at most 20");
    }

    private static void assertMessage(String body, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RealmSettingsCodec.read(json(body)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void breachedPasswordSettingsRoundTripAndAreChecked() throws Exception {
        RealmSettings s = RealmSettingsCodec.read(json("{\"breachedPasswords\":{\"checkAtLogin\":true,\"rangeApiUrl\":\"http://127.0.0.1:8510/\","
                + "\"offlineCorpus\":false,\"minCount\":3,\"failClosed\":true}}"));
        assertEquals(new RealmSettings.BreachedPasswords(true, "http://127.0.0.1:8510", false, 3, true), s.breachedPasswords(),
                "a trailing slash of the base URL is dropped");
        assertEquals(s, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(s).toString()));
        RealmSettings none = RealmSettingsCodec.read(json("{\"breachedPasswords\":{\"rangeApiUrl\":null}}"));
        assertEquals(null, none.breachedPasswords().rangeApiUrl());
        assertEquals(none, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(none).toString()));
        assertEquals(RealmSettings.BreachedPasswords.DEFAULTS, RealmSettingsCodec.read(json("{}")).breachedPasswords());

        String[][] refused = {
                {"{\"breachedPasswords\":{\"rangeApiUrl\":\"http://hibp.example.com\"}}", "breachedPasswords.rangeApiUrl must use https (http only for a loopback host)"},
                {"{\"breachedPasswords\":{\"rangeApiUrl\":\"https://u:p@hibp.example.com\"}}", "breachedPasswords.rangeApiUrl must not hold user info (user:password@)"},
                {"{\"breachedPasswords\":{\"rangeApiUrl\":\"https://hibp.example.com/?k=1\"}}", "breachedPasswords.rangeApiUrl must not have a query"},
                {"{\"breachedPasswords\":{\"minCount\":0}}", "breachedPasswords.minCount must be a whole number from 1 to 1000000"},
                {"{\"breachedPasswords\":{\"checkAtLogin\":\"yes\"}}", "breachedPasswords.checkAtLogin must be true or false"},
                {"{\"breachedPasswords\":{\"sha1\":[]}}", "unknown field 'breachedPasswords.sha1'; known: "},
                {"{\"breachedPasswords\":{\"checkAtLogin\":true,\"rangeApiUrl\":null,\"offlineCorpus\":false}}",
                        "breachedPasswords.checkAtLogin needs a source: a rangeApiUrl, or offlineCorpus set to true"},
                {"{\"breachedPasswords\":true}", "breachedPasswords must be an object such as"},
        };
        for (String[] r : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RealmSettingsCodec.read(json(r[0])), r[0]);
            assertTrue(e.getMessage().startsWith(r[1]), r[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void userReportSettingsRoundTripAndAreChecked() throws Exception {
        RealmSettings s = RealmSettingsCodec.read(json("{\"userReports\":{\"securityEmails\":true,\"securityContact\":\" soc@example.com \",\"linkDays\":3}}"));
        assertEquals(new RealmSettings.UserReports(true, "soc@example.com", 3), s.userReports());
        assertEquals(s, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(s).toString()));
        assertEquals(RealmSettings.UserReports.DEFAULTS, RealmSettingsCodec.read(json("{}")).userReports());
        String[][] refused = {
                {"{\"userReports\":{\"securityContact\":\"not an address\"}}", "userReports.securityContact must be an email address"},
                {"{\"userReports\":{\"securityContact\":\"a@b\"}}", "userReports.securityContact must be an email address"},
                {"{\"userReports\":{\"securityContact\":\"soc@example.com\\nBcc: x@evil.test\"}}", "userReports.securityContact must be an email address"},
                {"{\"userReports\":{\"linkDays\":31}}", "userReports.linkDays must be a whole number from 1 to 30"},
                {"{\"userReports\":{\"securityEmails\":1}}", "userReports.securityEmails must be true or false"},
                {"{\"userReports\":{\"contact\":\"x\"}}", "unknown field 'userReports.contact'"},
        };
        for (String[] r : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RealmSettingsCodec.read(json(r[0])), r[0]);
            assertTrue(e.getMessage().startsWith(r[1]), r[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void alertSettingsRoundTripFallBackToTheSecurityContactAndAreChecked() throws Exception {
        assertEquals(RealmSettings.Alerts.DEFAULTS, RealmSettingsCodec.read(json("{}")).alerts());
        assertFalse(RealmSettings.Alerts.DEFAULTS.enabled());
        RealmSettings s = RealmSettingsCodec.read(json("{\"alerts\":{\"enabled\":true,\"contact\":\" ir@example.com \",\"digestHourUtc\":23,"
                + "\"intervalMinutes\":5,\"userReportsPerHour\":0,\"enforcementGapsPerHour\":2,\"failedDeliveries\":1000000,\"failedJobsPerHour\":4,"
                + "\"digest\":false}}"));
        assertEquals(new RealmSettings.Alerts(true, "ir@example.com", false, 23, 5, 0, 2, 1_000_000, 4), s.alerts());
        assertEquals("ir@example.com", s.alertContact());
        assertEquals(s, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(s).toString()));
        RealmSettings fallback = RealmSettingsCodec.read(json("{\"userReports\":{\"securityContact\":\"soc@example.com\"},\"alerts\":{\"enabled\":true}}"));
        assertEquals("soc@example.com", fallback.alertContact());
        assertEquals(fallback, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(fallback).toString()));
        String[][] refused = {
                {"{\"alerts\":{\"enabled\":true}}", "alerts.enabled needs an address"},
                {"{\"alerts\":{\"enabled\":true,\"contact\":null}}", "alerts.enabled needs an address"},
                {"{\"userReports\":{\"securityContact\":\"a,b@example.com\"},\"alerts\":{\"enabled\":true}}",
                        "alerts.enabled needs an address Keycloak can send to"},
                {"{\"alerts\":{\"contact\":\"soc@example.com\\r\\nBcc: x@evil.test\"}}", "alerts.contact must be an email address"},
                {"{\"alerts\":{\"contact\":7}}", "alerts.contact must be an email address"},
                {"{\"alerts\":{\"contact\":\"a,b@example.com\"}}", "alerts.contact must be an email address"},
                {"{\"alerts\":{\"contact\":\"soc@example..com\"}}", "alerts.contact must be an email address"},
                {"{\"alerts\":{\"contact\":\"sécurité@example.com\"}}", "alerts.contact must be an email address"},
                {"{\"alerts\":{\"enforcementGapsPerHour\":101}}", "alerts.enforcementGapsPerHour must be a whole number from 0 to 100"},
                {"{\"alerts\":{\"digestHourUtc\":24}}", "alerts.digestHourUtc must be a whole number from 0 to 23"},
                {"{\"alerts\":{\"intervalMinutes\":4}}", "alerts.intervalMinutes must be a whole number from 5 to 10080"},
                {"{\"alerts\":{\"userReportsPerHour\":-1}}", "alerts.userReportsPerHour must be a whole number from 0 to 1000000"},
                {"{\"alerts\":{\"failedJobsPerHour\":1.5}}", "alerts.failedJobsPerHour must be a whole number"},
                {"{\"alerts\":{\"enabled\":\"yes\"}}", "alerts.enabled must be true or false"},
                {"{\"alerts\":{\"to\":\"x\"}}", "unknown field 'alerts.to'"},
                {"{\"alerts\":[]}", "alerts must be an object"},
        };
        for (String[] r : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RealmSettingsCodec.read(json(r[0])), r[0]);
            assertTrue(e.getMessage().startsWith(r[1]), r[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void theStepUpNoticeIsAPageByDefaultOrAMessageAndNothingElse() throws Exception {
        assertEquals(RealmSettings.StepUpNotice.PAGE, RealmSettingsCodec.read(json("{}")).stepUpNotice());
        RealmSettings m = RealmSettingsCodec.read(json("{\"stepUpNotice\":\"message\"}"));
        assertEquals(RealmSettings.StepUpNotice.MESSAGE, m.stepUpNotice());
        assertEquals("message", RealmSettingsCodec.toJson(m).get("stepUpNotice").asText());
        assertEquals(m, RealmSettingsCodec.fromStored(RealmSettingsCodec.toJson(m).toString()));
        assertEquals("page", RealmSettingsCodec.toJson(RealmSettings.DEFAULTS).get("stepUpNotice").asText());
        for (String bad : new String[]{"\"banner\"", "\"PAGE\"", "true", "null", "[\"page\"]"}) {
            assertMessage("{\"stepUpNotice\":" + bad + "}", "stepUpNotice must be \"page\"");
        }
    }
}
