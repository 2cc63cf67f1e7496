package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.core.Response;

/** A request the API refuses: becomes {@code {"error": code, "message": sentence}} with {@code status}. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    ApiException(Response.Status status, String code, String message) {
        this(status.getStatusCode(), code, message);
    }

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(Response.Status.BAD_REQUEST, "invalid_request", message);
    }

    static ApiException notFound(String what) {
        return new ApiException(Response.Status.NOT_FOUND, "not_found", what + " was not found");
    }
}
