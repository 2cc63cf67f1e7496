package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.breachresponse.keycloak.incident.IncidentStore.Exposure;

class DecisionTest {

    static final long NOW = 1_800_000_000_000L;
    static final long DAY = Decision.DAY_MILLIS;

    static Exposure exposure(String id, Policy policy, FlagState state, long flaggedAt, int skips, Long passwordChangedAt) {
        Incident i = new Incident(new IncidentRowId("i-" + id), "r", new IncidentKey(id), "t", null, List.of("email"), policy, true, 0, Actor.SYSTEM, 0, null, null);
        Flag f = new Flag("f-" + id, "r", new IncidentKey(id), true, "u", state, flaggedAt, Actor.SYSTEM, null, passwordChangedAt, null, null, null, null,
                null, null, skips, null, List.of(), flaggedAt);
        return new Exposure(f, i);
    }

    static Policy policy(List<String> factors, boolean password, Policy.Grace grace) {
        return new Policy(true, password, true, factors, grace, new Policy.Reminders(true, List.of(0)), 14,
                new Policy.OnDeadline(true, true, false));
    }

    @Test
    void askNamesWhatLoginWouldAsk() {
        Decision mfa = Decision.decide(List.of(exposure("a", policy(List.of("otp"), false, new Policy.Grace(0, 0)), FlagState.FLAGGED, NOW, 0, null)),
                RealmSettings.DEFAULTS, NOW);
        assertEquals("step-up", mfa.ask(true));
        assertEquals("enrol", mfa.ask(false));
        Decision secret = Decision.decide(List.of(exposure("b", policy(List.of("otp"), true, new Policy.Grace(0, 0)), FlagState.FLAGGED, NOW, 0, null)),
                RealmSettings.DEFAULTS, NOW);
        assertEquals("mailbox-proof", secret.ask(false));
        assertEquals("step-up", secret.ask(true));
        Policy passwordOnly = new Policy(false, true, true, List.of("otp"), new Policy.Grace(0, 0), new Policy.Reminders(true, List.of(0)), 14,
                new Policy.OnDeadline(true, true, false));
        assertEquals("password-change", Decision.decide(List.of(exposure("c", passwordOnly, FlagState.FLAGGED, NOW, 0, null)),
                RealmSettings.DEFAULTS, NOW).ask(false));
        assertEquals("none", Decision.NONE.ask(true));
    }

    @Test
    void noOpenFlagMeansNothingToEnforce() {
        assertSame(Decision.NONE, Decision.decide(List.of(), RealmSettings.DEFAULTS, NOW));
        assertFalse(Decision.NONE.enforced());
    }

    @Test
    void theStrictestOpenIncidentWins() {
        Exposure contact = exposure("a", policy(List.of("webauthn", "otp"), false, new Policy.Grace(7, 0)), FlagState.FLAGGED, NOW, 0, null);
        Exposure secret = exposure("b", policy(List.of("otp", "recovery-codes"), true, new Policy.Grace(0, 0)), FlagState.FLAGGED, NOW, 0, null);
        Decision d = Decision.decide(List.of(contact, secret), RealmSettings.DEFAULTS, NOW);
        assertTrue(d.enforced());
        assertTrue(d.requireMfa());
        assertTrue(d.requirePasswordChange());
        assertEquals(List.of("otp"), d.factors(), "only factors both incidents accept");
        assertFalse(d.graceOpen(), "an exposed password allows no grace");
        assertEquals(List.of("a", "b"), d.incidentIds());
    }

    @Test
    void disjointFactorListsFallBackToTheOldestIncident() {
        Exposure a = exposure("a", policy(List.of("webauthn"), false, new Policy.Grace(0, 0)), FlagState.FLAGGED, NOW, 0, null);
        Exposure b = exposure("b", policy(List.of("otp"), false, new Policy.Grace(0, 0)), FlagState.FLAGGED, NOW, 0, null);
        assertEquals(List.of("webauthn"), Decision.decide(List.of(a, b), RealmSettings.DEFAULTS, NOW).factors());
    }

    @Test
    void aPasswordChangedAfterFlaggingIsNoLongerAsked() {
        Exposure done = exposure("a", policy(List.of("otp"), true, new Policy.Grace(0, 0)), FlagState.STEPPED_UP, NOW - DAY, 0, NOW - 10);
        assertFalse(Decision.decide(List.of(done), RealmSettings.DEFAULTS, NOW).requirePasswordChange());
    }

    @Test
    void graceByDaysRunsOutAndGraceBySkipsIsCounted() {
        Policy.Grace threeDays = new Policy.Grace(3, 0);
        assertTrue(Decision.graceAllows(threeDays, NOW - 2 * DAY, 0, NOW));
        assertFalse(Decision.graceAllows(threeDays, NOW - 3 * DAY, 0, NOW));
        Policy.Grace twoSkips = new Policy.Grace(0, 2);
        assertTrue(Decision.graceAllows(twoSkips, NOW, 1, NOW));
        assertFalse(Decision.graceAllows(twoSkips, NOW, 2, NOW));
        assertFalse(Decision.graceAllows(new Policy.Grace(0, 0), NOW, 0, NOW), "no grace by default");

        Exposure within = exposure("a", policy(List.of("otp"), false, twoSkips), FlagState.FLAGGED, NOW, 1, null);
        Exposure noGrace = exposure("b", policy(List.of("otp"), false, new Policy.Grace(0, 0)), FlagState.FLAGGED, NOW, 0, null);
        assertTrue(Decision.decide(List.of(within), RealmSettings.DEFAULTS, NOW).graceOpen());
        assertFalse(Decision.decide(List.of(within, noGrace), RealmSettings.DEFAULTS, NOW).graceOpen(), "every open flag must allow it");
    }

    @Test
    void failingClosedRequiresMfaWithTheRealmFactors() {
        RealmSettings s = new RealmSettings(List.of("otp"), new Policy.Grace(5, 5), "otp", Map.of(), true, RealmSettings.Hygiene.OFF, dev.breachresponse.keycloak.incident.EnforcementMode.ENFORCE, RealmSettings.BreakGlass.NONE);
        Decision d = Decision.failClosed(s);
        assertTrue(d.enforced() && d.requireMfa() && d.failedClosed());
        assertFalse(d.graceOpen());
        assertEquals(List.of("otp"), d.factors());
    }
}
