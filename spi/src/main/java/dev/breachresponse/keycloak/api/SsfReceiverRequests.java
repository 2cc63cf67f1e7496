package dev.breachresponse.keycloak.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.ssf.SsfService;
import dev.breachresponse.keycloak.support.OutboundUrls;

/**
 * The body of {@code POST/PUT /ssf/receivers[/{id}]} (docs/ssf.md): every field checked, unknown fields refused, each
 * problem a 400 naming the field; and the JSON a receiver is shown as (never a secret).
 */
final class SsfReceiverRequests {

    static final String ALIAS = "[a-z0-9][a-z0-9-]{0,59}";
    static final String ATTRIBUTE = "[A-Za-z0-9_.:-]{1,255}";

    private static final Set<String> FIELDS = Set.of("alias", "description", "enabled", "issuer", "jwksUri", "audience", "delivery", "tokenUrl",
            "clientId", "clientSecret", "pollIntervalSeconds", "maxEvents", "incidentId", "subjects", "disableOnHijacking", "allowHttp",
            "maxAgeSeconds", "eventsRequested");
    private static final Set<String> SUBJECT_FIELDS = Set.of("email", "issSubAttribute", "opaqueAttribute");

    /** The parsed body: the settings (jwksUri may still be null: to discover) and the client secret (null: unchanged). */
    record Parsed(SsfReceivers.Settings settings, String clientSecret) {
    }

    private SsfReceiverRequests() {
    }

    /** @param existing the receiver a PUT replaces (null for a create): a client secret is then optional */
    static Parsed parse(JsonNode body, SsfReceivers.Receiver existing) {
        IncidentRequests.onlyFields(body, FIELDS);
        String alias = text(body, "alias", 64, true);
        if (!alias.matches(ALIAS)) {
            throw ApiException.badRequest("alias must be 1 to 60 characters: lower-case letters, digits and '-', starting with a letter or digit");
        }
        boolean allowHttp = Api.bool(body, "allowHttp", false);
        String issuer = text(body, "issuer", OutboundUrls.MAX_LENGTH, true);
        url("issuer", issuer, allowHttp);
        String jwksUri = text(body, "jwksUri", OutboundUrls.MAX_LENGTH, false);
        if (jwksUri != null) {
            url("jwksUri", jwksUri, allowHttp);
        }
        String audience = text(body, "audience", 255, true);
        String d = text(body, "delivery", 8, true);
        SsfReceivers.Delivery delivery = switch (d) {
            case "push" -> SsfReceivers.Delivery.PUSH;
            case "poll" -> SsfReceivers.Delivery.POLL;
            default -> throw ApiException.badRequest("delivery must be push (RFC 8935) or poll (RFC 8936)");
        };
        String tokenUrl = text(body, "tokenUrl", OutboundUrls.MAX_LENGTH, false);
        if (tokenUrl != null) {
            url("tokenUrl", tokenUrl, allowHttp);
        }
        String clientId = text(body, "clientId", 255, false);
        String clientSecret = text(body, "clientSecret", 512, false);
        if (delivery == SsfReceivers.Delivery.POLL && clientId == null) {
            throw ApiException.badRequest("clientId is required for delivery poll (the token to call the transmitter's poll endpoint)");
        }
        // the stored secret goes only where it went before: a new issuer, token URL or client id needs it given again
        boolean sameTarget = existing != null && existing.hasClientSecret() && java.util.Objects.equals(clientId, existing.settings().clientId())
                && issuer.equals(existing.settings().issuer()) && java.util.Objects.equals(tokenUrl, existing.settings().tokenUrl());
        if (clientId != null && clientSecret == null && !sameTarget) {
            throw ApiException.badRequest("clientSecret is required with clientId, and again when issuer, tokenUrl or clientId change");
        }
        int interval = integer(body, "pollIntervalSeconds", 60, 10, 86_400);
        int maxEvents = integer(body, "maxEvents", 100, 1, 1000);
        String incidentId = text(body, "incidentId", 64, false);
        if (incidentId == null) {
            incidentId = "ssf-" + alias;
        } else if (!incidentId.matches(IncidentStore.ID_PATTERN)) {
            throw ApiException.badRequest("incidentId must match " + IncidentStore.ID_PATTERN);
        }
        SsfReceivers.SubjectMapping subjects = subjects(body.get("subjects"));
        int maxAge = integer(body, "maxAgeSeconds", 604_800, 60, 2_592_000);
        List<String> events = events(body.get("eventsRequested"));
        SsfReceivers.Settings settings = new SsfReceivers.Settings(alias, text(body, "description", 255, false), Api.bool(body, "enabled", true), issuer,
                jwksUri, audience, delivery, tokenUrl, clientId, interval, maxEvents, incidentId, subjects, Api.bool(body, "disableOnHijacking", false),
                allowHttp, maxAge, events);
        try {
            // stored as JSON in one column of 4000 characters (with a discovered jwksUri to come)
            if (org.keycloak.util.JsonSerialization.writeValueAsString(settings).length() + (jwksUri == null ? 1024 : 0) > 4000) {
                throw ApiException.badRequest("The settings are too long taken together (long URLs and many eventsRequested); shorten them");
            }
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("The settings could not be read");
        }
        return new Parsed(settings, clientSecret);
    }

    private static SsfReceivers.SubjectMapping subjects(JsonNode node) {
        if (node == null || node.isNull()) {
            return SsfReceivers.SubjectMapping.DEFAULT;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("subjects must be an object");
        }
        IncidentRequests.onlyFields(node, SUBJECT_FIELDS);
        String iss = text(node, "issSubAttribute", 255, false);
        String opaque = text(node, "opaqueAttribute", 255, false);
        for (String a : new String[] {iss, opaque}) {
            if (a != null && !a.matches(ATTRIBUTE)) {
                throw ApiException.badRequest("subjects attributes must match " + ATTRIBUTE);
            }
        }
        return new SsfReceivers.SubjectMapping(Api.bool(node, "email", true), iss, opaque);
    }

    private static List<String> events(JsonNode node) {
        if (node == null || node.isNull()) {
            return SsfService.defaultEvents();
        }
        if (!node.isArray() || node.isEmpty() || node.size() > 32) {
            throw ApiException.badRequest("eventsRequested must be an array of 1 to 32 event type URIs");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : node) {
            if (!e.isTextual() || e.asText().length() > 255 || !e.asText().startsWith("https://")) {
                throw ApiException.badRequest("eventsRequested must hold event type URIs (https://…, at most 255 characters)");
            }
            out.add(e.asText());
        }
        return new ArrayList<>(out);
    }

    private static void url(String field, String url, boolean allowHttp) {
        String problem = OutboundUrls.problem(field, url, allowHttp, "allowHttp");
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
    }

    private static String text(JsonNode body, String field, int max, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > max || v.asText().chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(field + " must be a string of 1 to " + max + " characters without control characters");
        }
        return v.asText().strip();
    }

    private static int integer(JsonNode body, String field, int dflt, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw ApiException.badRequest(field + " must be a whole number from " + min + " to " + max);
        }
        return v.asInt();
    }

    /** A receiver as the API shows it: settings, stream and state; no secret (only whether one is set). */
    static ObjectNode json(SsfReceivers.Receiver r, String pushUrl, Long lastEventAt) {
        SsfReceivers.Settings s = r.settings();
        ObjectNode o = Json.object();
        o.put("id", r.id());
        o.put("alias", s.alias());
        o.put("description", s.description());
        o.put("enabled", s.enabled());
        o.put("issuer", s.issuer());
        o.put("jwksUri", s.jwksUri());
        o.put("audience", s.audience());
        o.put("delivery", s.delivery().name().toLowerCase(java.util.Locale.ROOT));
        o.put("pushUrl", s.delivery() == SsfReceivers.Delivery.PUSH ? pushUrl : null);
        o.put("hasPushCredential", r.hasPushToken());
        o.put("tokenUrl", s.tokenUrl());
        o.put("clientId", s.clientId());
        o.put("hasClientSecret", r.hasClientSecret());
        o.put("pollIntervalSeconds", s.pollIntervalSeconds());
        o.put("maxEvents", s.maxEvents());
        o.put("incidentId", s.incidentId());
        ObjectNode subjects = o.putObject("subjects");
        subjects.put("email", s.subjects().email());
        subjects.put("issSubAttribute", s.subjects().issSubAttribute());
        subjects.put("opaqueAttribute", s.subjects().opaqueAttribute());
        o.put("disableOnHijacking", s.disableOnHijacking());
        o.put("allowHttp", s.allowHttp());
        o.put("maxAgeSeconds", s.maxAgeSeconds());
        ArrayNode ev = o.putArray("eventsRequested");
        s.eventsRequested().forEach(ev::add);
        ObjectNode stream = o.putObject("stream");
        stream.put("id", r.streamId());
        stream.put("status", r.streamStatus());
        stream.put("pollUrl", r.pollUrl());
        putTime(stream, "verifiedAt", r.verifiedAt());
        putTime(o, "lastEventAt", lastEventAt);
        putTime(o, "lastPollAt", r.lastPollAt());
        o.put("lastError", r.lastError());
        o.put("failures", r.failures());
        putTime(o, "nextPollAt", r.nextPollAt());
        o.put("createdAt", r.createdAt());
        o.put("createdBy", r.createdBy());
        o.put("updatedAt", r.updatedAt());
        return o;
    }

    private static void putTime(ObjectNode o, String field, Long v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }
}
