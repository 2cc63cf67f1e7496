package dev.breachresponse.keycloak.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.ExposedData;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.NewIncident;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.incident.PolicyCodec;
import dev.breachresponse.keycloak.support.Digests;
import dev.breachresponse.keycloak.incident.RealmSettings;

/** Validates incident bodies field by field; unknown fields are refused (no mass assignment). */
final class IncidentRequests {

    static final int MAX_TITLE = 255;
    static final int MAX_DESCRIPTION = 4000;

    private static final Set<String> CREATE_FIELDS = Set.of("id", "title", "description", "exposedData", "policy");
    private static final Set<String> UPDATE_FIELDS = Set.of("title", "description", "policy", "status");

    /** A validated update: null fields stay as they are. */
    record Update(String title, String description, JsonNode policy, boolean close) {
    }

    private IncidentRequests() {
    }

    static NewIncident create(JsonNode body, RealmSettings realmSettings) {
        onlyFields(body, CREATE_FIELDS);
        String id = text(body, "id", true, 64);
        if (!id.matches(IncidentStore.ID_PATTERN)) {
            throw ApiException.badRequest("id must be 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit");
        }
        String title = text(body, "title", true, MAX_TITLE);
        String description = text(body, "description", false, MAX_DESCRIPTION);
        JsonNode exposedNode = body.get("exposedData");
        if (exposedNode == null || !exposedNode.isArray()) {
            throw ApiException.badRequest("exposedData is required: an array such as [\"email\",\"location\"]");
        }
        List<String> given = new ArrayList<>();
        for (JsonNode e : exposedNode) {
            if (!e.isTextual()) {
                throw ApiException.badRequest("exposedData entries must be strings");
            }
            given.add(e.textValue());
        }
        List<String> exposed;
        Policy policy;
        try {
            exposed = ExposedData.normalise(given);
            policy = PolicyCodec.read(body.get("policy"), Policy.defaultsFor(exposed, realmSettings));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return new NewIncident(new IncidentKey(id), title, description, exposed, policy, hash(id, title, description, exposed, policy));
    }

    static Update update(JsonNode body) {
        onlyFields(body, UPDATE_FIELDS);
        if (!body.fields().hasNext()) {
            throw ApiException.badRequest("Nothing to change: give title, description, policy or status");
        }
        String title = text(body, "title", false, MAX_TITLE);
        String description = text(body, "description", false, MAX_DESCRIPTION);
        JsonNode policy = body.get("policy");
        if (policy != null && !policy.isObject()) {
            throw ApiException.badRequest("policy must be a JSON object");
        }
        boolean close = false;
        JsonNode status = body.get("status");
        if (status != null) {
            if (!status.isTextual() || !Set.of("OPEN", "CLOSED").contains(status.textValue())) {
                throw ApiException.badRequest("status must be \"CLOSED\" (to close) or \"OPEN\" (no change)");
            }
            close = "CLOSED".equals(status.textValue());
        }
        return new Update(title, description, policy, close);
    }

    /** Refuses a field of {@code body} that is not in {@code allowed} (400, naming it and the allowed ones). */
    static void onlyFields(JsonNode body, Set<String> allowed) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.badRequest("Unknown field '" + f + "'; allowed: " + allowed);
            }
        }
    }

    static String text(JsonNode body, String field, boolean required, int maxLength) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        String s = v.textValue().strip();
        if (required && s.isEmpty()) {
            throw ApiException.badRequest(field + " must not be blank");
        }
        if (s.length() > maxLength) {
            throw ApiException.badRequest(field + " must be at most " + maxLength + " characters");
        }
        if (s.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' && c != '\r')) {
            throw ApiException.badRequest(field + " must not contain control characters");
        }
        return s;
    }

    /** Fingerprint of what a create request means (after defaults), so a replay is told from a conflict. */
    static String hash(String id, String title, String description, List<String> exposed, Policy policy) {
        ObjectNode canon = JsonNodeFactory.instance.objectNode();
        canon.put("id", id);
        canon.put("title", title);
        canon.put("description", description);
        ArrayNode a = canon.putArray("exposedData");
        exposed.forEach(a::add);
        ObjectNode p = PolicyCodec.toJson(policy);
        if (!policy.reportOnly()) {
            // enforcing is what every incident did before the mode existed: replays of older requests still match
            p.remove("enforcement");
        }
        canon.set("policy", p);
        return Digests.sha256Hex(canon.toString());
    }
}
