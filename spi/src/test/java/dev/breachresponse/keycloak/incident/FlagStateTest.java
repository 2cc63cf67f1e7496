package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FlagStateTest {

    @Test
    void theLegalMovesAreExactlyTheDesignedOnes() {
        assertMoves(FlagState.FLAGGED, EnumSet.of(FlagState.STEPPED_UP, FlagState.DISMISSED));
        assertMoves(FlagState.STEPPED_UP, EnumSet.of(FlagState.REMEDIATED, FlagState.FLAGGED, FlagState.DISMISSED));
        assertMoves(FlagState.REMEDIATED, EnumSet.of(FlagState.FLAGGED));
        assertMoves(FlagState.DISMISSED, EnumSet.of(FlagState.FLAGGED));
    }

    @Test
    void remediationNeedsAStepUpFirstAndNothingStaysPut() {
        assertFalse(FlagState.FLAGGED.canMoveTo(FlagState.REMEDIATED));
        assertFalse(FlagState.REMEDIATED.canMoveTo(FlagState.DISMISSED), "nothing left to dismiss");
        for (FlagState s : FlagState.values()) {
            assertFalse(s.canMoveTo(s), s + " → itself is not a change");
        }
    }

    @Test
    void openStatesAreTheEnforcedOnes() {
        assertTrue(FlagState.FLAGGED.isOpen());
        assertTrue(FlagState.STEPPED_UP.isOpen());
        assertFalse(FlagState.REMEDIATED.isOpen());
        assertFalse(FlagState.DISMISSED.isOpen());
    }

    @Test
    void parseIsCaseInsensitiveAndRejectsUnknownNames() {
        assertEquals(FlagState.STEPPED_UP, FlagState.parse(" stepped_up "));
        assertNull(FlagState.parse("PWNED"));
        assertNull(FlagState.parse(null));
    }

    @Test
    void actorsRoundTripThroughTheirStoredForm() {
        for (Actor a : new Actor[] {Actor.admin("8f2c"), Actor.client("soar-bot"), Actor.user("u:1"), Actor.SYSTEM}) {
            assertEquals(a, Actor.parse(a.asString()));
        }
        assertEquals("client:soar-bot", Actor.client("soar-bot").asString());
    }

    private static void assertMoves(FlagState from, Set<FlagState> legal) {
        for (FlagState to : FlagState.values()) {
            assertEquals(legal.contains(to), from.canMoveTo(to), from + " → " + to);
        }
    }
}
