package dev.breachresponse.keycloak.reminder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.breachresponse.keycloak.incident.HygieneStore.Credential;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.incident.RealmSettings;

class HygieneTest {

    static final long NOW = 1_800_000_000_000L;

    static RealmSettings realm(List<String> factors, boolean nudges, int passwordAgeDays) {
        return new RealmSettings(factors, new Policy.Grace(0, 0), factors.get(0), Map.of(), true,
                new RealmSettings.Hygiene(nudges, 30, passwordAgeDays), dev.breachresponse.keycloak.incident.EnforcementMode.ENFORCE,
                RealmSettings.BreakGlass.NONE);
    }

    @Test
    void aUserWithoutAnAllowedFactorIsAskedToSetOneUp() {
        RealmSettings rs = realm(List.of("otp", "webauthn"), true, 0);
        assertEquals(List.of("mfa"), Hygiene.asks(List.of(new Credential("password", NOW)), rs, NOW));
        assertEquals(List.of(), Hygiene.asks(List.of(new Credential("password", NOW), new Credential("otp", NOW)), rs, NOW));
        assertEquals(List.of(), Hygiene.asks(List.of(new Credential("webauthn", NOW)), rs, NOW));
    }

    @Test
    void onlyTheRealmsAllowedFactorsCountAndRecoveryCodesAloneAreNoFactor() {
        RealmSettings webauthnOnly = realm(List.of("webauthn"), true, 0);
        assertEquals(List.of("mfa"), Hygiene.asks(List.of(new Credential("otp", NOW)), webauthnOnly, NOW),
                "TOTP does not count where the realm accepts only security keys");
        RealmSettings withCodes = realm(List.of("otp", "recovery-codes"), true, 0);
        assertEquals(List.of("mfa"), Hygiene.asks(List.of(new Credential("recovery-authn-codes", NOW)), withCodes, NOW));
    }

    @Test
    void passwordAgeIsAskedOnlyWhenSwitchedOnAndOlderThanConfigured() {
        long day = Schedule.DAY;
        List<Credential> oldPassword = List.of(new Credential("password", NOW - 91 * day), new Credential("otp", NOW));
        assertEquals(List.of(), Hygiene.asks(oldPassword, realm(List.of("otp"), true, 0), NOW), "off by default");
        assertEquals(List.of("password-age"), Hygiene.asks(oldPassword, realm(List.of("otp"), true, 90), NOW));
        assertEquals(List.of(), Hygiene.asks(List.of(new Credential("password", NOW - 89 * day), new Credential("otp", NOW)),
                realm(List.of("otp"), true, 90), NOW));
        assertEquals(List.of(), Hygiene.asks(List.of(new Credential("password", null), new Credential("otp", NOW)),
                realm(List.of("otp"), true, 90), NOW), "an unknown creation date is no evidence of age");
        assertEquals(List.of("mfa", "password-age"), Hygiene.asks(List.of(new Credential("password", NOW - 400 * day)),
                realm(List.of("otp"), true, 90), NOW));
        assertEquals(List.of("password-age"), Hygiene.asks(List.of(new Credential("password", NOW - 400 * day)),
                realm(List.of("otp"), false, 90), NOW), "nudges off: only the password");
    }
}
