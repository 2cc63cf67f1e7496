package dev.breachresponse.keycloak.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class AlertRulesTest {

    static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void theDigestSlotIsTheLatestConfiguredHourAtOrBeforeNow() {
        assertEquals(at("2026-12-02T07:00:00Z"), AlertRules.digestSlot(at("2026-12-02T07:00:00Z"), 7));
        assertEquals(at("2026-12-02T07:00:00Z"), AlertRules.digestSlot(at("2026-12-02T23:59:59Z"), 7));
        assertEquals(at("2026-12-01T07:00:00Z"), AlertRules.digestSlot(at("2026-12-02T06:59:59Z"), 7));
        assertEquals(at("2026-12-02T00:00:00Z"), AlertRules.digestSlot(at("2026-12-02T00:30:00Z"), 0));
        assertEquals(at("2026-12-01T23:00:00Z"), AlertRules.digestSlot(at("2026-12-02T22:59:00Z"), 23));
    }

    @Test
    void aFirstDigestGoesOnlyWithinItsHourThenOncePerDayCatchingUpOnce() {
        long inTheHour = at("2026-12-02T07:10:00Z");
        assertTrue(AlertRules.digestDue(AlertRules.digestSeed(inTheHour, 7), inTheHour, 7), "switched on within the hour: at once");
        long afternoon = at("2026-12-02T15:00:00Z");
        long seeded = AlertRules.digestSeed(afternoon, 7);
        assertFalse(AlertRules.digestDue(seeded, afternoon, 7), "switched on in the afternoon: not at once");
        assertFalse(AlertRules.digestDue(seeded, at("2026-12-03T06:59:00Z"), 7));
        assertTrue(AlertRules.digestDue(seeded, at("2026-12-03T07:00:00Z"), 7), "... but at the next hour");
        long early = at("2026-12-02T06:59:00Z");
        assertFalse(AlertRules.digestDue(AlertRules.digestSeed(early, 7), early, 7));
        assertTrue(AlertRules.digestDue(AlertRules.digestSeed(early, 7), at("2026-12-02T07:00:00Z"), 7));
        long sent = at("2026-12-02T07:01:00Z");
        assertFalse(AlertRules.digestDue(sent, at("2026-12-02T07:02:00Z"), 7));
        assertFalse(AlertRules.digestDue(sent, at("2026-12-03T06:59:00Z"), 7));
        assertTrue(AlertRules.digestDue(sent, at("2026-12-03T07:00:00Z"), 7));
        assertTrue(AlertRules.digestDue(sent, at("2026-12-05T12:00:00Z"), 7), "three days down: caught up");
        assertFalse(AlertRules.digestDue(at("2026-12-05T12:00:00Z"), at("2026-12-05T13:00:00Z"), 7), "... once");
        assertFalse(AlertRules.digestDue(at("2026-12-09T07:00:00Z"), at("2026-12-05T13:00:00Z"), 7), "clock set back");
        assertTrue(AlertRules.digestDue(at("2026-12-02T05:00:00Z"), at("2026-12-02T07:00:00Z"), 7), "a digest forced before the hour does not replace that day's");
    }

    @Test
    void aThresholdAlertNeedsTheThresholdAndAQuietInterval() {
        long now = at("2026-12-02T10:00:00Z");
        assertFalse(AlertRules.thresholdDue(100, 0, 0, now, 60), "threshold 0 is off");
        assertFalse(AlertRules.thresholdDue(2, 3, 0, now, 60));
        assertTrue(AlertRules.thresholdDue(3, 3, 0, now, 60), "never sent (seeded with 0)");
        assertFalse(AlertRules.thresholdDue(3, 3, now - 59 * 60_000L, now, 60));
        assertTrue(AlertRules.thresholdDue(3, 3, now - 60 * 60_000L, now, 60));
        assertFalse(AlertRules.thresholdDue(3, 3, now + 60_000L, now, 60), "last sent in the future: quiet");
        assertTrue(AlertRules.thresholdDue(1, 1, now - 5 * 60_000L, now, 5));
    }
}
