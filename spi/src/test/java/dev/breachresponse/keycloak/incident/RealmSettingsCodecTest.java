package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertThrows(IllegalArgumentException.class, () -> RealmSettingsCodec.read(M.createArrayNode()));
    }

    @Test
    void newIncidentsTakeTheRealmFactorsAndGraceButASecretKeepsNoGrace() {
        RealmSettings realm = new RealmSettings(List.of("otp"), new Policy.Grace(3, 2), "otp", java.util.Map.of(), true);
        Policy contact = Policy.defaultsFor(List.of("email"), realm);
        assertEquals(List.of("otp"), contact.allowedFactors());
        assertEquals(new Policy.Grace(3, 2), contact.grace());
        Policy secret = Policy.defaultsFor(List.of("email", "password"), realm);
        assertEquals(new Policy.Grace(0, 0), secret.grace());
        assertTrue(secret.requirePasswordChange());
    }

    private static void assertMessage(String body, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RealmSettingsCodec.read(json(body)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
