package dev.breachresponse.keycloak.api;

import java.util.Locale;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.breachresponse.keycloak.jobs.SubjectReader;

/** Validates the parts of a bulk flag request that are not its body. */
final class BulkRequests {

    static final int MAX_KEY = 255;

    private BulkRequests() {
    }

    static SubjectReader.Format format(MediaType type) {
        if (type != null) {
            String charset = type.getParameters().get("charset");
            if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
                throw new ApiException(Response.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Only UTF-8 bodies are accepted");
            }
            String t = type.getType() + "/" + type.getSubtype();
            switch (t.toLowerCase(Locale.ROOT)) {
                case "application/json":
                    return SubjectReader.Format.JSON;
                case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
                    return SubjectReader.Format.NDJSON;
                case "text/csv":
                    return SubjectReader.Format.CSV;
                default:
                    break;
            }
        }
        throw new ApiException(Response.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "Send application/json ({\"subjects\":[...]}), application/x-ndjson (one subject a line) or text/csv (a header row naming an email, username or id column)");
    }

    static Boolean dryRun(String v) {
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiException.badRequest("dryRun must be true or false");
        };
    }

    static final int MAX_COLUMN = 200;

    /** The {@code column} query parameter: one CSV header name (1 to 200 characters, no control characters). */
    static String column(String v, SubjectReader.Format format) {
        if (v == null) {
            return null;
        }
        if (format != SubjectReader.Format.CSV) {
            throw ApiException.badRequest("column applies to text/csv bodies only");
        }
        if (v.isBlank() || v.length() > MAX_COLUMN || v.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("column must name a CSV header column: 1 to " + MAX_COLUMN + " characters, no control characters");
        }
        return v;
    }

    static String idempotencyKey(String v) {
        if (v == null) {
            return null;
        }
        if (v.isEmpty() || v.length() > MAX_KEY || !v.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ApiException.badRequest("Idempotency-Key must be 1 to " + MAX_KEY + " visible ASCII characters");
        }
        return v;
    }
}
