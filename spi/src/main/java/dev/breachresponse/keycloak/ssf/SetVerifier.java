package dev.breachresponse.keycloak.ssf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

import org.keycloak.crypto.KeyWrapper;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks a Security Event Token (RFC 8417) as the SSF 1.0 profile (§4.1) asks, in this order, and refuses it with the
 * RFC 8935 §2.3 error code of the first failure: compact JWS (not JWE), base64url parts, a JSON header →
 * {@code invalid_request}; header {@code typ} {@code secevent+jwt} → {@code invalid_request}; {@code alg} present and one
 * of {@value #ALGS_TEXT} (so never {@code none} nor an HMAC) → {@code invalid_key}; no {@code crit} →
 * {@code invalid_request}; a key of the transmitter's JWKS for {@code kid} and {@code alg}, of the matching key
 * type, whose signature verifies → {@code invalid_key}; then the claims: {@code iss} equal to the configured issuer →
 * {@code invalid_issuer}; {@code aud} (string or array) holding the expected audience → {@code invalid_audience};
 * {@code jti} (1–255 characters), {@code iat} no older than {@code maxAgeSeconds} and at most
 * {@value #FUTURE_SKEW_SECONDS} s ahead, an {@code exp} not passed, and exactly one event in {@code events} →
 * {@code invalid_request}. The signature is checked before any claim, so claims of an unsigned token tell nothing.
 * Pure logic: the keys and the signature check come from the caller.
 */
final class SetVerifier {

    static final Set<String> ALGS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
    static final String ALGS_TEXT = "RS256/384/512, PS256/384/512, ES256/384/512, EdDSA";

    /** The largest {@code maxAgeSeconds} a receiver may have (30 days): how long the replay store keeps a SET. */
    static final long MAX_AGE_SECONDS = 2_592_000;

    /** How far {@code iat} may be ahead of this server's clock (seconds). */
    static final long FUTURE_SKEW_SECONDS = 300;

    /** Longest SET taken (characters); the push endpoint caps the body at the same size. */
    static final int MAX_TOKEN = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build());
    }

    /** What the receiver expects of its transmitter's SETs. */
    record Expectation(String issuer, String audience, int maxAgeSeconds) {
    }

    /** The transmitter's public key for {@code kid} (null: any key for {@code alg}); null when there is none. */
    @FunctionalInterface
    interface Keys {
        KeyWrapper key(String kid, String alg);
    }

    /** Verifies a signature with Keycloak's {@code SignatureProvider} for {@code alg}. */
    @FunctionalInterface
    interface Signatures {
        boolean verify(KeyWrapper key, String alg, byte[] data, byte[] signature) throws Exception;
    }

    private SetVerifier() {
    }

    static VerifiedSet verify(String token, Expectation expected, Keys keys, Signatures signatures, long nowSeconds) {
        if (token == null || token.isBlank()) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The body holds no SET");
        }
        String t = token.strip();
        if (t.length() > MAX_TOKEN) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The SET is longer than " + MAX_TOKEN + " characters");
        }
        long dots = t.chars().filter(c -> c == '.').count();
        if (dots == 4) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "Encrypted SETs (JWE) are not accepted; send a signed SET (JWS)");
        }
        if (dots != 2) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The SET is not a compact JWS (header.payload.signature)");
        }
        String[] parts = t.split("\\.", -1);
        JsonNode header;
        byte[] payload;
        byte[] signature;
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            header = JSON.readTree(b64.decode(parts[0]));
            payload = b64.decode(parts[1]);
            signature = b64.decode(parts[2]);
        } catch (IllegalArgumentException | IOException e) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The SET is not a valid JWS (base64url header, payload and signature)");
        }
        if (header == null || !header.isObject()) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The SET's header is not a JSON object");
        }
        String typ = text(header, "typ") == null ? "" : text(header, "typ").toLowerCase(Locale.ROOT);
        if (!"secevent+jwt".equals(typ) && !"application/secevent+jwt".equals(typ)) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The SET's header must say typ secevent+jwt (RFC 8417 §2.3, SSF 1.0 §4.1.1)");
        }
        String alg = text(header, "alg");
        if (alg == null || !ALGS.contains(alg)) {
            throw new SetRejected(SetRejected.INVALID_KEY, "alg " + printable(alg) + " is not accepted; SETs must be signed with the transmitter's key ("
                    + ALGS_TEXT + ")");
        }
        if (header.has("crit")) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "Critical header parameters (crit) are not understood here (RFC 7515 §4.1.11)");
        }
        String kid = text(header, "kid");
        KeyWrapper key = keys.key(kid, alg);
        if (key == null) {
            throw new SetRejected(SetRejected.INVALID_KEY, "No key of the transmitter's JWKS matches kid " + printable(kid) + " and alg " + alg);
        }
        if (!keyFits(key, alg)) {
            throw new SetRejected(SetRejected.INVALID_KEY, "The key " + printable(key.getKid()) + " is not a key for alg " + alg);
        }
        boolean valid;
        try {
            byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            valid = signatures.verify(key, alg, signed, signature);
        } catch (Exception e) {
            valid = false;
        }
        if (!valid) {
            throw new SetRejected(SetRejected.INVALID_KEY, "The SET's signature does not verify with the transmitter's key");
        }
        JsonNode claims;
        try {
            claims = JSON.readTree(payload);
        } catch (IOException | RuntimeException e) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The SET's payload is not JSON");
        }
        if (claims == null || !claims.isObject()) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The SET's payload is not a JSON object");
        }
        return claims(claims, expected, nowSeconds);
    }

    private static VerifiedSet claims(JsonNode claims, Expectation expected, long now) {
        JsonNode iss = claims.get("iss");
        if (iss == null || !iss.isTextual() || !iss.asText().equals(expected.issuer())) {
            throw new SetRejected(SetRejected.INVALID_ISSUER, "iss is not the transmitter this stream trusts");
        }
        if (!audienceHolds(claims.get("aud"), expected.audience())) {
            throw new SetRejected(SetRejected.INVALID_AUDIENCE, "aud does not name this receiver's audience");
        }
        JsonNode jti = claims.get("jti");
        if (jti == null || !jti.isTextual() || jti.asText().isEmpty() || jti.asText().length() > 255) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "jti must be a string of 1 to 255 characters");
        }
        JsonNode iat = claims.get("iat");
        if (iat == null || !iat.isNumber()) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "iat (seconds since the epoch) is required");
        }
        long issued = iat.asLong();
        if (issued > now + FUTURE_SKEW_SECONDS) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "iat is in the future");
        }
        if (issued < now - expected.maxAgeSeconds()) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "iat is older than " + expected.maxAgeSeconds() + " seconds");
        }
        JsonNode exp = claims.get("exp");
        if (exp != null && (!exp.isNumber() || exp.asLong() < now)) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "exp has passed");
        }
        JsonNode events = claims.get("events");
        if (events == null || !events.isObject() || events.size() != 1) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "events must hold exactly one event (SSF 1.0 §4.1.6)");
        }
        String type = events.fieldNames().next();
        JsonNode event = events.get(type);
        if (!event.isObject() || type.isEmpty() || type.length() > 255) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "The event must be a JSON object under its type URI");
        }
        JsonNode subject = claims.get("sub_id");
        if (subject == null || subject.isNull()) {
            subject = event.get("subject");
        }
        if (subject != null && !subject.isObject()) {
            throw new SetRejected(SetRejected.INVALID_REQUEST, "sub_id must be a subject identifier object (RFC 9493)");
        }
        JsonNode txn = claims.get("txn");
        return new VerifiedSet(jti.asText(), iss.asText(), issued, txn != null && txn.isTextual() ? txn.asText() : null, type, event, subject);
    }

    private static boolean audienceHolds(JsonNode aud, String expected) {
        if (aud == null) {
            return false;
        }
        if (aud.isTextual()) {
            return aud.asText().equals(expected);
        }
        if (aud.isArray()) {
            for (JsonNode a : aud) {
                if (a.isTextual() && a.asText().equals(expected)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The key's type fits the algorithm's family, and a key that names its algorithm names this one. */
    static boolean keyFits(KeyWrapper key, String alg) {
        if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
            return false;
        }
        String type = key.getType();
        if (alg.startsWith("RS") || alg.startsWith("PS")) {
            return "RSA".equals(type);
        }
        if (alg.startsWith("ES")) {
            return "EC".equals(type);
        }
        return "OKP".equals(type);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /** A header value for a description: at most 64 printable characters. */
    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        String p = s.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 64 ? p.substring(0, 64) + "…" : p;
    }
}
