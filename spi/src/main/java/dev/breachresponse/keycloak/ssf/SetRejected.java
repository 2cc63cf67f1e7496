package dev.breachresponse.keycloak.ssf;

/**
 * A SET refused: {@code err} is an RFC 8935 §2.3 / IANA "Security Event Token Error Codes" value
 * ({@code invalid_request}, {@code invalid_key}, {@code invalid_issuer}, {@code invalid_audience},
 * {@code authentication_failed}, {@code access_denied}); the message is the {@code description}, which never echoes
 * the token.
 */
final class SetRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final String INVALID_REQUEST = "invalid_request";
    static final String INVALID_KEY = "invalid_key";
    static final String INVALID_ISSUER = "invalid_issuer";
    static final String INVALID_AUDIENCE = "invalid_audience";
    static final String AUTHENTICATION_FAILED = "authentication_failed";
    static final String ACCESS_DENIED = "access_denied";

    private final String err;

    SetRejected(String err, String description) {
        super(description, null, false, false);
        this.err = err;
    }

    String err() {
        return err;
    }
}
