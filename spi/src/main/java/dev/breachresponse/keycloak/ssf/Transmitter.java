package dev.breachresponse.keycloak.ssf;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.support.OutboundUrls;

/**
 * The receiver's side of SSF 1.0 stream management and RFC 8936 poll, against one transmitter: discovery of
 * {@code /.well-known/ssf-configuration} (SSF 1.0 §7.2: inserted before the issuer's path, then appended to it; the
 * document's {@code issuer} must equal the configured one), the OAuth 2.0 token (client credentials, RFC 6749 §4.4,
 * at the issuer's OIDC token endpoint unless one is configured), stream create/delete (§8.1.1), verification (§8.1.4.2),
 * status (§8.1.2) and poll (RFC 8936 §2.4). Every URL the transmitter names passes {@link OutboundUrls}.
 */
final class Transmitter {

    static final String PUSH = "urn:ietf:rfc:8935";
    static final String POLL = "urn:ietf:rfc:8936";
    static final int MAX_METADATA_BYTES = 64 * 1024;

    /** The transmitter metadata this receiver uses. */
    record Metadata(String issuer, String jwksUri, String configurationEndpoint, String verificationEndpoint, String statusEndpoint) {
    }

    private final Outbound http;
    private final boolean allowHttp;
    private final URI issuer;

    /** @param issuer the configured issuer: every URL the transmitter names must be on its origin */
    Transmitter(Outbound http, boolean allowHttp, String issuer) {
        this.http = http;
        this.allowHttp = allowHttp;
        this.issuer = URI.create(issuer);
    }

    /**
     * Null when {@code url}, named by the transmitter (metadata, a stream's poll endpoint), is acceptable: an outbound
     * URL ({@link OutboundUrls}) on the issuer's origin (scheme, host, port), so a transmitter cannot point this server
     * at another host or at its own loopback ports; else the reason.
     */
    String problem(String field, String url) {
        String p = OutboundUrls.problem(field, url, allowHttp, "allowHttp");
        if (p != null) {
            return p;
        }
        URI u = URI.create(url);
        boolean sameOrigin = u.getScheme().equalsIgnoreCase(issuer.getScheme()) && u.getHost().equalsIgnoreCase(issuer.getHost())
                && port(u) == port(issuer);
        return sameOrigin ? null : field + " is not on the issuer's origin (" + issuer.getScheme() + "://" + issuer.getRawAuthority() + ")";
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    Metadata discover(String issuer) {
        URI i = URI.create(issuer);
        String path = i.getRawPath() == null ? "" : i.getRawPath();
        String base = i.getScheme() + "://" + i.getRawAuthority();
        List<String> tries = new ArrayList<>();
        tries.add(base + "/.well-known/ssf-configuration" + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
        tries.add(issuer.endsWith("/") ? issuer + ".well-known/ssf-configuration" : issuer + "/.well-known/ssf-configuration");
        String last = "no answer";
        for (String url : tries) {
            try {
                Outbound.Answer a = http.get(url, null, MAX_METADATA_BYTES);
                if (a.status() == 200 && a.body() != null && a.body().isObject()) {
                    JsonNode m = a.body();
                    if (!issuer.equals(text(m, "issuer"))) {
                        String named = text(m, "issuer");
                        throw new Outbound.Failed(200, "the transmitter metadata at " + url + " names issuer "
                                + (named == null ? "(none)" : named.length() > 200 ? named.substring(0, 200) + "…" : named) + ", not " + issuer);
                    }
                    return new Metadata(issuer, url(m, "jwks_uri"), optionalUrl(m, "configuration_endpoint"),
                            optionalUrl(m, "verification_endpoint"), optionalUrl(m, "status_endpoint"));
                }
                last = "answered " + a.status();
            } catch (Outbound.Failed e) {
                if (e.status() == 200) {
                    throw e;
                }
                last = e.getMessage();
            }
        }
        throw new Outbound.Failed(0, "no transmitter metadata at " + tries.get(0) + " (" + last + ")");
    }

    /** The issuer's OIDC token endpoint ({@code /.well-known/openid-configuration}). */
    String tokenEndpoint(String issuer) {
        String url = (issuer.endsWith("/") ? issuer : issuer + "/") + ".well-known/openid-configuration";
        Outbound.Answer a = http.get(url, null, MAX_METADATA_BYTES);
        if (a.status() != 200 || a.body() == null) {
            throw new Outbound.Failed(a.status(), "the issuer's OpenID configuration answered " + a.status());
        }
        return url(a.body(), "token_endpoint");
    }

    /**
     * The receiver's access token: client credentials at its {@code tokenUrl}, else at the issuer's OIDC token endpoint.
     */
    String token(SsfReceivers.Settings s, String secret) {
        return token(s.tokenUrl() != null ? s.tokenUrl() : tokenEndpoint(s.issuer()), s.clientId(), secret);
    }

    /** A client-credentials access token with scopes {@code ssf.read ssf.manage} (SSF 1.0 §9, CAEP interop profile). */
    private String token(String tokenUrl, String clientId, String secret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        form.put("scope", "ssf.read ssf.manage");
        Outbound.Answer a = http.postForm(tokenUrl, form, MAX_METADATA_BYTES);
        if (a.status() != 200 || a.body() == null || text(a.body(), "access_token") == null) {
            throw new Outbound.Failed(a.status(), "the token endpoint refused the client credentials (" + a.status() + error(a.body()) + ")");
        }
        return text(a.body(), "access_token");
    }

    /** Creates a stream (§8.1.1.1); returns the transmitter's stream configuration. */
    JsonNode createStream(Metadata m, String token, ObjectNode delivery, List<String> events, String description) {
        if (m.configurationEndpoint() == null) {
            throw new Outbound.Failed(0, "the transmitter has no configuration_endpoint");
        }
        ObjectNode body = Outbound.JSON.createObjectNode();
        body.set("delivery", delivery);
        ArrayNode ev = body.putArray("events_requested");
        events.forEach(ev::add);
        if (description != null) {
            body.put("description", description);
        }
        Outbound.Answer a = http.postJson(m.configurationEndpoint(), token, body, MAX_METADATA_BYTES);
        if ((a.status() != 200 && a.status() != 201) || a.body() == null || text(a.body(), "stream_id") == null) {
            throw new Outbound.Failed(a.status(), "the transmitter did not create the stream (" + a.status() + error(a.body()) + ")");
        }
        return a.body();
    }

    void deleteStream(Metadata m, String token, String streamId) {
        Outbound.Answer a = http.delete(m.configurationEndpoint() + "?stream_id=" + java.net.URLEncoder.encode(streamId, java.nio.charset.StandardCharsets.UTF_8), token);
        if (a.status() != 204 && a.status() != 200 && a.status() != 404) {
            throw new Outbound.Failed(a.status(), "the transmitter did not delete the stream (" + a.status() + error(a.body()) + ")");
        }
    }

    /** Asks for a verification event carrying {@code state} (§8.1.4.2). */
    void verify(Metadata m, String token, String streamId, String state) {
        if (m.verificationEndpoint() == null) {
            throw new Outbound.Failed(0, "the transmitter has no verification_endpoint");
        }
        ObjectNode body = Outbound.JSON.createObjectNode().put("stream_id", streamId).put("state", state);
        Outbound.Answer a = http.postJson(m.verificationEndpoint(), token, body, MAX_METADATA_BYTES);
        if (a.status() != 204 && a.status() != 200 && a.status() != 202) {
            throw new Outbound.Failed(a.status(), "the transmitter refused the verification request (" + a.status() + error(a.body()) + ")");
        }
    }

    /** Sets the stream's status (§8.1.2.2): {@code enabled} or {@code paused} (the transmitter holds events). */
    void status(Metadata m, String token, String streamId, String status) {
        if (m.statusEndpoint() == null) {
            throw new Outbound.Failed(0, "the transmitter has no status_endpoint");
        }
        ObjectNode body = Outbound.JSON.createObjectNode().put("stream_id", streamId).put("status", status);
        Outbound.Answer a = http.postJson(m.statusEndpoint(), token, body, MAX_METADATA_BYTES);
        if (a.status() >= 300) {
            throw new Outbound.Failed(a.status(), "the transmitter refused the status change (" + a.status() + error(a.body()) + ")");
        }
    }

    /** One RFC 8936 poll: acknowledges and reports errors of earlier SETs, asks for up to {@code maxEvents} more. */
    JsonNode poll(String pollUrl, String token, int maxEvents, List<String> ack, Map<String, ObjectNode> errors, int maxBytes) {
        ObjectNode body = Outbound.JSON.createObjectNode();
        body.put("maxEvents", maxEvents);
        body.put("returnImmediately", true);
        if (!ack.isEmpty()) {
            ArrayNode a = body.putArray("ack");
            ack.forEach(a::add);
        }
        if (!errors.isEmpty()) {
            ObjectNode e = body.putObject("setErrs");
            errors.forEach(e::set);
        }
        Outbound.Answer a = http.postJson(pollUrl, token, body, maxBytes);
        if (a.status() != 200 || a.body() == null || !a.body().isObject()) {
            throw new Outbound.Failed(a.status(), "the poll endpoint answered " + a.status() + error(a.body()));
        }
        return a.body();
    }

    private String url(JsonNode m, String field) {
        String v = text(m, field);
        String problem = v == null ? field + " is missing" : problem(field, v);
        if (problem != null) {
            throw new Outbound.Failed(200, "transmitter metadata: " + problem);
        }
        return v;
    }

    private String optionalUrl(JsonNode m, String field) {
        return text(m, field) == null ? null : url(m, field);
    }

    private static String error(JsonNode body) {
        if (body == null) {
            return "";
        }
        String e = text(body, "err") != null ? text(body, "err") : text(body, "error");
        if (e == null) {
            return "";
        }
        String clean = e.replaceAll("[^\\w.-]", "");
        return " " + (clean.length() > 64 ? clean.substring(0, 64) : clean);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
