package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The factor lists every other list derives from, and the Keycloak names behind each key (docs/admin-guide.md). */
class FactorTest {

    @Test
    void keysInDisplayOrderAndTheDefaultsWithoutTheFallback() {
        assertEquals(List.of("webauthn-passwordless", "webauthn", "otp", "recovery-codes"), Factor.KEYS);
        assertEquals(List.of("webauthn-passwordless", "webauthn", "otp"), Factor.PRIMARY_KEYS);
        assertEquals(Factor.PRIMARY_KEYS, Policy.defaultsFor(List.of("email")).allowedFactors());
        assertEquals(Factor.PRIMARY_KEYS, RealmSettings.DEFAULTS.allowedFactors());
    }

    @Test
    void eachKeyNamesKeycloaksCredentialAuthenticatorAndEnrolment() {
        assertEquals(List.of("webauthn-passwordless", "webauthn", "otp", "recovery-authn-codes"),
                List.of(Factor.values()).stream().map(f -> f.credentialType).toList());
        assertEquals(List.of("webauthn-authenticator-passwordless", "webauthn-authenticator", "auth-otp-form", "auth-recovery-authn-code-form"),
                List.of(Factor.values()).stream().map(f -> f.authenticatorId).toList());
        assertEquals(List.of("webauthn-register-passwordless", "webauthn-register", "CONFIGURE_TOTP", "CONFIGURE_RECOVERY_AUTHN_CODES"),
                List.of(Factor.values()).stream().map(f -> f.enrolAction).toList());
    }
}
