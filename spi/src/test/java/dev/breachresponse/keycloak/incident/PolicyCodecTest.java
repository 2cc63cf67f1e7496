package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class PolicyCodecTest {

    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void defaultsFollowWhatWasExposed() {
        Policy contact = Policy.defaultsFor(ExposedData.normalise(List.of("email", "location")));
        assertTrue(contact.requireMfa());
        assertFalse(contact.requirePasswordChange());
        assertTrue(contact.revokeSessions());
        assertEquals(List.of("webauthn-passwordless", "webauthn", "otp"), contact.allowedFactors());
        assertEquals(0, contact.grace().days());

        Policy secret = Policy.defaultsFor(ExposedData.normalise(List.of("email", "credential")));
        assertTrue(secret.requirePasswordChange());
        assertEquals(0, secret.grace().skips());
    }

    @Test
    void enforcementModeIsReadWrittenAndDefaultsToEnforce() throws Exception {
        Policy defaults = Policy.defaultsFor(List.of("email"));
        assertEquals(EnforcementMode.ENFORCE, defaults.enforcement());
        Policy reportOnly = PolicyCodec.read(json("{\"enforcement\":\"report-only\"}"), defaults);
        assertTrue(reportOnly.reportOnly());
        assertEquals("report-only", PolicyCodec.toJson(reportOnly).get("enforcement").asText());
        assertEquals(reportOnly, PolicyCodec.fromStored(PolicyCodec.toJsonString(reportOnly), List.of("email")));
        // a policy stored before the mode existed enforces
        assertEquals(EnforcementMode.ENFORCE, PolicyCodec.fromStored("{\"requireMfa\":true}", List.of("email")).enforcement());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyCodec.read(json("{\"enforcement\":true}"), defaults));
        assertTrue(e.getMessage().contains("policy.enforcement"), e.getMessage());
    }

    @Test
    void givenFieldsOverlayTheDefaults() throws Exception {
        Policy p = PolicyCodec.read(json("{\"grace\":{\"days\":3},\"reminders\":{\"afterDays\":[1,2]},\"allowedFactors\":[\"otp\"]}"),
                Policy.defaultsFor(List.of("email")));
        assertEquals(3, p.grace().days());
        assertEquals(0, p.grace().skips(), "not given: default kept");
        assertEquals(List.of(1, 2), p.reminders().afterDays());
        assertTrue(p.reminders().enabled());
        assertEquals(List.of("otp"), p.allowedFactors());
        assertTrue(p.requireMfa());
    }

    @Test
    void storedFormRoundTrips() throws Exception {
        Policy p = PolicyCodec.read(json("{\"requirePasswordChange\":true,\"deadlineDays\":30,\"onDeadline\":{\"disableAccount\":true}}"),
                Policy.defaultsFor(List.of("email")));
        assertEquals(p, PolicyCodec.fromStored(PolicyCodec.toJsonString(p), List.of("email")));
    }

    @Test
    void refusesUnknownKeysWrongTypesAndRanges() {
        Policy d = Policy.defaultsFor(List.of("email"));
        assertRefused("{\"requireMFA\":true}", d, "unknown field 'requireMFA'");
        assertRefused("{\"requireMfa\":\"yes\"}", d, "true or false");
        assertRefused("{\"allowedFactors\":[\"email-otp\"]}", d, "not a supported factor");
        assertRefused("{\"allowedFactors\":[]}", d, "must not be empty");
        assertRefused("{\"grace\":{\"days\":400}}", d, "from 0 to 365");
        assertRefused("{\"grace\":{\"weeks\":1}}", d, "unknown field 'weeks'");
        assertRefused("{\"reminders\":{\"afterDays\":[3,1]}}", d, "strictly increasing");
        assertRefused("{\"deadlineDays\":1.5}", d, "whole number");
        assertRefused("[]", d, "JSON object");
    }

    @Test
    void exposedDataIsNormalisedAndValidated() {
        assertEquals(List.of("email", "location"), ExposedData.normalise(List.of(" Location", "EMAIL", "email")));
        assertThrows(IllegalArgumentException.class, () -> ExposedData.normalise(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExposedData.normalise(List.of("email", "dna")));
        assertTrue(e.getMessage().contains("'dna'"));
        assertTrue(ExposedData.includesSecret(List.of("email", "password")));
        assertFalse(ExposedData.includesSecret(List.of("email", "name")));
    }

    private static void assertRefused(String policy, Policy defaults, String messagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyCodec.read(json(policy), defaults));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    private static JsonNode json(String s) {
        try {
            return M.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
