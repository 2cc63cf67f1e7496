package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class IncidentActivityTest {

    @Test
    void remediatedPercentLeavesDismissedFlagsOutAndRoundsToOneDecimal() {
        IncidentActivity a = new IncidentActivity(Map.of(FlagState.FLAGGED, 4L, FlagState.STEPPED_UP, 1L,
                FlagState.REMEDIATED, 1L, FlagState.DISMISSED, 9L), null);
        assertEquals(16.7, a.remediatedPercent(), "1 of 6 not dismissed");
        assertEquals(0L, IncidentActivity.NONE.count(FlagState.FLAGGED));
    }

    @Test
    void remediatedPercentIsZeroWithoutFlagsOrWhenAllWereDismissed() {
        assertEquals(0.0, IncidentActivity.NONE.remediatedPercent());
        assertEquals(0.0, new IncidentActivity(Map.of(FlagState.DISMISSED, 3L), 5L).remediatedPercent());
        assertEquals(100.0, new IncidentActivity(Map.of(FlagState.REMEDIATED, 2L, FlagState.DISMISSED, 3L), 5L).remediatedPercent());
    }

    @Test
    void lastActivityIsTheNewerOfTheFlagsHistoryAndTheIncidentsOwnChange() {
        assertEquals(500L, new IncidentActivity(Map.of(FlagState.FLAGGED, 1L), 500L).lastActivityAt(100L));
        assertEquals(900L, new IncidentActivity(Map.of(FlagState.FLAGGED, 1L), 500L).lastActivityAt(900L));
        assertEquals(100L, IncidentActivity.NONE.lastActivityAt(100L));
    }
}
