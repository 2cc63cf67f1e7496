package dev.breachresponse.keycloak.incident;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.keycloak.authentication.authenticators.browser.OTPFormAuthenticatorFactory;
import org.keycloak.authentication.authenticators.browser.RecoveryAuthnCodesFormAuthenticatorFactory;
import org.keycloak.authentication.authenticators.browser.WebAuthnAuthenticatorFactory;
import org.keycloak.authentication.authenticators.browser.WebAuthnPasswordlessAuthenticatorFactory;
import org.keycloak.authentication.requiredactions.WebAuthnPasswordlessRegisterFactory;
import org.keycloak.authentication.requiredactions.WebAuthnRegisterFactory;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/**
 * The second factors step-up accepts: the one list every other list of factors derives from (the policy's
 * {@code allowedFactors} values, their defaults, and the realm's {@code enrolmentFactor} values). Email and SMS codes
 * are absent on purpose: the leak was of email addresses.
 * <p>
 * Each factor has a readable key (in policies, realm config and forms) and Keycloak's own names for it:
 * <table>
 * <caption>policy key → Keycloak</caption>
 * <tr><th>key</th><th>credential type</th><th>authenticator</th><th>enrolment required action</th></tr>
 * <tr><td>{@code webauthn-passwordless}</td><td>{@code webauthn-passwordless}</td>
 * <td>{@code webauthn-authenticator-passwordless}</td><td>{@code webauthn-register-passwordless}</td></tr>
 * <tr><td>{@code webauthn}</td><td>{@code webauthn}</td><td>{@code webauthn-authenticator}</td>
 * <td>{@code webauthn-register}</td></tr>
 * <tr><td>{@code otp}</td><td>{@code otp}</td><td>{@code auth-otp-form}</td><td>{@code CONFIGURE_TOTP}</td></tr>
 * <tr><td>{@code recovery-codes}</td><td>{@code recovery-authn-codes}</td><td>{@code auth-recovery-authn-code-form}</td>
 * <td>{@code CONFIGURE_RECOVERY_AUTHN_CODES}</td></tr>
 * </table>
 * Only the recovery codes' key differs from Keycloak's credential type: {@code recovery-codes} is the name of
 * Keycloak's feature, {@code recovery-authn-codes} that of its credential.
 */
public enum Factor {
    // declaration order is the display order: phishing-resistant first
    WEBAUTHN_PASSWORDLESS("webauthn-passwordless", WebAuthnCredentialModel.TYPE_PASSWORDLESS,
            WebAuthnPasswordlessAuthenticatorFactory.PROVIDER_ID, WebAuthnPasswordlessRegisterFactory.PROVIDER_ID, false),
    WEBAUTHN("webauthn", WebAuthnCredentialModel.TYPE_TWOFACTOR, WebAuthnAuthenticatorFactory.PROVIDER_ID,
            WebAuthnRegisterFactory.PROVIDER_ID, false),
    OTP("otp", OTPCredentialModel.TYPE, OTPFormAuthenticatorFactory.PROVIDER_ID, UserModel.RequiredAction.CONFIGURE_TOTP.name(),
            false),
    /** A fallback, not a factor to live on. */
    RECOVERY_CODES("recovery-codes", RecoveryAuthnCodesCredentialModel.TYPE, RecoveryAuthnCodesFormAuthenticatorFactory.PROVIDER_ID,
            UserModel.RequiredAction.CONFIGURE_RECOVERY_AUTHN_CODES.name(), true);

    /** Name in policies, realm config and forms. */
    public final String key;
    /** Keycloak credential type. */
    public final String credentialType;
    /** Keycloak authenticator that verifies it. */
    public final String authenticatorId;
    /** Keycloak required action that enrols it. */
    public final String enrolAction;
    /**
     * A fallback, not a factor to live on: not allowed unless a policy or the realm names it, never the factor a
     * user is asked to enrol ({@code enrolmentFactor}), and not counted as a second factor by the hygiene campaign.
     */
    public final boolean fallback;

    Factor(String key, String credentialType, String authenticatorId, String enrolAction, boolean fallback) {
        this.key = key;
        this.credentialType = credentialType;
        this.authenticatorId = authenticatorId;
        this.enrolAction = enrolAction;
        this.fallback = fallback;
    }

    /** Keys of all factors, in declaration order (phishing-resistant first). */
    public static final List<String> KEYS = Arrays.stream(values()).map(f -> f.key).toList();

    /**
     * Keys of the factors to live on (all but fallbacks): the default {@code allowedFactors}, and the factors a user
     * may be asked to enrol.
     */
    public static final List<String> PRIMARY_KEYS = Arrays.stream(values()).filter(f -> !f.fallback).map(f -> f.key).toList();

    /** The factor whose Keycloak credential type this is ({@code otp}, {@code webauthn}, …), if any. */
    public static Optional<Factor> byCredentialType(String type) {
        return Arrays.stream(values()).filter(f -> f.credentialType.equals(type)).findFirst();
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
