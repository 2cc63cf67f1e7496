package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.core.Response;

/** A request the API refuses: becomes {@code {"error": code, "message": sentence}} with {@code status}. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final Integer retryAfterSeconds;

    ApiException(Response.Status status, String code, String message) {
        this(status.getStatusCode(), code, message);
    }

    ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    private ApiException(int status, String code, String message, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Seconds for a {@code Retry-After} header (RFC 9110 §10.2.3), or null for none. */
    Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** 503 with {@code Retry-After}: the node cannot serve this yet, the same request will do later. */
    static ApiException unavailable(String code, String message, int retryAfterSeconds) {
        return new ApiException(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), code, message, retryAfterSeconds);
    }

    static ApiException badRequest(String message) {
        return new ApiException(Response.Status.BAD_REQUEST, "invalid_request", message);
    }

    static ApiException notFound(String what) {
        return new ApiException(Response.Status.NOT_FOUND, "not_found", what + " was not found");
    }
}
