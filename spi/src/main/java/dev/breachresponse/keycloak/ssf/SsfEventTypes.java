package dev.breachresponse.keycloak.ssf;

import java.util.List;
import java.util.Set;

/**
 * The event type URIs this receiver knows: SSF 1.0 §8.1.4 (verification) and §8.1.5 (stream updated), CAEP 1.0 §3
 * (session revoked, credential change) and RISC 1.0 §2 (the account events). Any other type is accepted, counted
 * and ignored (RFC 8417 §2.2).
 */
public final class SsfEventTypes {

    static final String SSF = "https://schemas.openid.net/secevent/ssf/event-type/";
    static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
    static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";

    public static final String VERIFICATION = SSF + "verification";
    public static final String STREAM_UPDATED = SSF + "stream-updated";
    public static final String SESSION_REVOKED = CAEP + "session-revoked";
    public static final String CREDENTIAL_CHANGE = CAEP + "credential-change";
    public static final String CREDENTIAL_COMPROMISE = RISC + "credential-compromise";
    public static final String CREDENTIAL_CHANGE_REQUIRED = RISC + "account-credential-change-required";
    public static final String ACCOUNT_DISABLED = RISC + "account-disabled";

    /** RISC types that are recorded and trigger nothing here. */
    static final Set<String> RECORD_ONLY = Set.of(RISC + "account-purged", RISC + "account-enabled", RISC + "identifier-changed",
            RISC + "identifier-recycled", RISC + "recovery-activated", RISC + "recovery-information-changed", RISC + "opt-in",
            RISC + "opt-out-initiated", RISC + "opt-out-cancelled", RISC + "opt-out-effective", CAEP + "token-claims-change",
            CAEP + "assurance-level-change", CAEP + "device-compliance-change", CAEP + "session-established", CAEP + "session-presented",
            CAEP + "risk-level-change");

    /** What a stream asks its transmitter for by default: the types that lead to an action here. */
    public static final List<String> ACTIONABLE = List.of(SESSION_REVOKED, CREDENTIAL_CHANGE, CREDENTIAL_COMPROMISE,
            CREDENTIAL_CHANGE_REQUIRED, ACCOUNT_DISABLED);

    private SsfEventTypes() {
    }

    /** Whether the type is one this receiver knows (its outcome is not IGNORED). */
    public static boolean known(String type) {
        return VERIFICATION.equals(type) || STREAM_UPDATED.equals(type) || ACTIONABLE.contains(type) || RECORD_ONLY.contains(type);
    }

    /**
     * The type as a bounded metric label: the last path segment of a known type ({@code credential-compromise}), else
     * {@code other}.
     */
    public static String label(String type) {
        return type != null && known(type) ? type.substring(type.lastIndexOf('/') + 1) : "other";
    }
}
