package dev.breachresponse.keycloak.ssf;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    /**
     * The verified claims as the inbox keeps them: {@code {"jti", "iss", "iat", "txn", "type", "event", "subject"}}
     * (JSON; no signature, no header: the SET was verified when it was accepted).
     */
    String toClaims() {
        ObjectNode o = Outbound.JSON.createObjectNode();
        o.put("jti", jti).put("iss", issuer).put("iat", iat).put("txn", txn).put("type", eventType);
        o.set("event", event);
        o.set("subject", subject);
        try {
            return Outbound.JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #toClaims()} wrote. */
    static VerifiedSet fromClaims(String claims) {
        JsonNode o;
        try {
            o = Outbound.JSON.readTree(claims);
        } catch (IOException e) {
            throw new UncheckedIOException("an inbox row's claims could not be read", e);
        }
        JsonNode event = o.get("event");
        JsonNode subject = o.get("subject");
        return new VerifiedSet(o.path("jti").asText(), o.path("iss").asText(), o.path("iat").asLong(), o.path("txn").isTextual() ? o.get("txn").asText() : null,
                o.path("type").asText(), event == null || event.isNull() ? null : event, subject == null || subject.isNull() ? null : subject);
    }
}
