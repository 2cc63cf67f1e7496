package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FlagStateTest {

    /**
     * The designed table, written out independently of {@link FlagState}: row = from, column = to, in the order
     * FLAGGED, STEPPED_UP, REMEDIATED, DISMISSED; {@code +} allowed, {@code .} refused.
     */
    private static final String[] DESIGN = {
        "FLAGGED    . + . +",
        "STEPPED_UP + . + +",
        "REMEDIATED + . . .",
        "DISMISSED  + . . .",
    };

    static java.util.stream.Stream<Arguments> everyPair() {
        FlagState[] order = {FlagState.FLAGGED, FlagState.STEPPED_UP, FlagState.REMEDIATED, FlagState.DISMISSED};
        java.util.List<Arguments> pairs = new java.util.ArrayList<>();
        for (String row : DESIGN) {
            String[] cells = row.trim().split("\\s+");
            for (int i = 0; i < order.length; i++) {
                pairs.add(Arguments.of(FlagState.valueOf(cells[0]), order[i], "+".equals(cells[i + 1])));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} → {1}: {2}")
    @MethodSource("everyPair")
    void everyPairOfStatesIsAllowedOrRefusedAsDesigned(FlagState from, FlagState to, boolean allowed) {
        assertEquals(allowed, from.canMoveTo(to), from + " → " + to);
        assertEquals(allowed, from.moves().contains(to), from + ".moves() contains " + to);
    }

    @Test
    void theDesignCoversEveryStatePair() {
        assertEquals(FlagState.values().length * FlagState.values().length, everyPair().count(),
                "a new state needs its row and column in DESIGN (and in FlagState's transition table)");
    }

    @Test
    void newFlagsStartFlaggedAndOpen() {
        assertEquals(FlagState.FLAGGED, FlagState.INITIAL);
        assertTrue(FlagState.INITIAL.isOpen());
    }

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
    void onlyAMoveToFlaggedShowsLoginAFlagItDidNotRead() {
        // UnflaggedMark relies on this: the store evicts the user's cached entry (and marks) only on inserts and on
        // moves to FLAGGED, so no other legal move may turn a flag login does not read into one it reads
        for (FlagState from : FlagState.values()) {
            for (FlagState to : from.moves()) {
                for (boolean incidentOpen : new boolean[] {true, false}) {
                    boolean revealed = !from.seenByLogin(incidentOpen) && to.seenByLogin(incidentOpen);
                    assertTrue(!revealed || to == FlagState.FLAGGED, from + " -> " + to + " (incident open: " + incidentOpen + ")");
                }
            }
        }
        assertTrue(FlagState.REMEDIATED.seenByLogin(true), "a remediated flag of an open incident is re-checked at login");
        assertFalse(FlagState.REMEDIATED.seenByLogin(false));
        assertFalse(FlagState.DISMISSED.seenByLogin(true));
        assertTrue(FlagState.STEPPED_UP.seenByLogin(false));
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
