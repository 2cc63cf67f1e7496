package dev.breachresponse.keycloak.ssf;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Security Event Token that passed {@link SetVerifier}: its {@code jti}, {@code iss}, {@code iat} (epoch seconds),
 * {@code txn} (may be null), its one event (type URI and payload object) and its subject: the top-level
 * {@code sub_id} (SSF 1.0 §4.1.2), else the event's {@code subject} member (older RISC transmitters), else null.
 */
record VerifiedSet(String jti, String issuer, long iat, String txn, String eventType, JsonNode event, JsonNode subject) {

    /** The subject's {@code format} (RFC 9493 §3), or null. */
    String subjectFormat() {
        return subject == null || !subject.path("format").isTextual() ? null : subject.path("format").asText();
    }
}
