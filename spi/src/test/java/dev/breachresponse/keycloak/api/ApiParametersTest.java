package dev.breachresponse.keycloak.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.breachresponse.keycloak.incident.FlagState;

/** The query parameters the flag listing and export take: what is accepted, what is refused with 400. */
class ApiParametersTest {

    @Test
    void stateIsAbsentOneStateOrOpen() {
        assertEquals(Set.of(), Api.flagStates(null));
        assertEquals(EnumSet.of(FlagState.FLAGGED, FlagState.STEPPED_UP), Api.flagStates("open"));
        assertEquals(EnumSet.of(FlagState.FLAGGED, FlagState.STEPPED_UP), Api.flagStates("OPEN"));
        assertEquals(EnumSet.of(FlagState.DISMISSED), Api.flagStates("dismissed"));
    }

    @Test
    void anUnknownStateIs400() {
        ApiException e = assertThrows(ApiException.class, () -> Api.flagStates("closed"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("state must be one of open, FLAGGED"), e.getMessage());
    }

    @Test
    void prefixIsTrimmedAndLowerCased() {
        assertNull(Api.prefix(null));
        assertEquals("jane.d", Api.prefix("  Jane.D "));
        assertEquals("x".repeat(100), Api.prefix("X".repeat(100)));
    }

    @Test
    void anEmptyTooLongOrControlCharacterPrefixIs400() {
        for (String bad : new String[] {"", "   ", "x".repeat(101), "ja\u0000ne", "a\nb"}) {
            ApiException e = assertThrows(ApiException.class, () -> Api.prefix(bad), bad);
            assertEquals(400, e.status());
            assertEquals("invalid_request", e.code());
        }
    }
}
