package dev.breachresponse.keycloak.incident;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.keycloak.models.UserModel;

/**
 * The second factors step-up accepts, each with Keycloak's own credential type, authenticator and enrolment
 * required action. Email and SMS codes are absent on purpose: the leak was of email addresses.
 */
public enum Factor {
    WEBAUTHN_PASSWORDLESS("webauthn-passwordless", "webauthn-passwordless", "webauthn-authenticator-passwordless", "webauthn-register-passwordless"),
    WEBAUTHN("webauthn", "webauthn", "webauthn-authenticator", "webauthn-register"),
    OTP("otp", "otp", "auth-otp-form", "CONFIGURE_TOTP"),
    RECOVERY_CODES("recovery-codes", "recovery-authn-codes", "auth-recovery-authn-code-form", "CONFIGURE_RECOVERY_AUTHN_CODES");

    /** Name in policies and config. */
    public final String key;
    /** Keycloak credential type. */
    public final String credentialType;
    /** Keycloak authenticator that verifies it. */
    public final String authenticatorId;
    /** Keycloak required action that enrols it. */
    public final String enrolAction;

    Factor(String key, String credentialType, String authenticatorId, String enrolAction) {
        this.key = key;
        this.credentialType = credentialType;
        this.authenticatorId = authenticatorId;
        this.enrolAction = enrolAction;
    }

    public static Optional<Factor> byKey(String key) {
        for (Factor f : values()) {
            if (f.key.equals(key)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Whether the user has configured at least one of the allowed factors. */
    public static boolean configuredAny(UserModel user, List<String> allowed) {
        return !configured(user, allowed).isEmpty();
    }

    /** The allowed factors the user has configured, in the order of {@code allowed}. */
    public static List<Factor> configured(UserModel user, List<String> allowed) {
        List<Factor> out = new ArrayList<>();
        for (String key : allowed) {
            byKey(key).filter(f -> user.credentialManager().isConfiguredFor(f.credentialType)).ifPresent(out::add);
        }
        return out;
    }
}
