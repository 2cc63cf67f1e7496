package dev.breachresponse.keycloak.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagHistoryEntry;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.PolicyCodec;

/** The API's output shapes, written by hand so the wire format never follows a refactoring by accident. */
final class Json {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode incident(Incident i) {
        ObjectNode n = F.objectNode();
        n.put("id", i.id());
        n.put("title", i.title());
        n.put("description", i.description());
        ArrayNode exposed = n.putArray("exposedData");
        i.exposedData().forEach(exposed::add);
        n.set("policy", PolicyCodec.toJson(i.policy()));
        n.put("status", i.open() ? "OPEN" : "CLOSED");
        n.put("createdAt", time(i.createdAt()));
        actor(n, "createdBy", i.createdBy());
        n.put("updatedAt", time(i.updatedAt()));
        n.put("closedAt", time(i.closedAt()));
        actor(n, "closedBy", i.closedBy());
        return n;
    }

    static ArrayNode incidents(List<Incident> list) {
        ArrayNode a = F.arrayNode();
        list.forEach(i -> a.add(incident(i)));
        return a;
    }

    static ObjectNode flag(Flag f) {
        ObjectNode n = F.objectNode();
        n.put("incidentId", f.incidentId());
        n.put("userId", f.userId());
        n.put("state", f.state().name());
        n.put("incidentOpen", f.incidentOpen());
        n.put("flaggedAt", time(f.flaggedAt()));
        actor(n, "flaggedBy", f.flaggedBy());
        n.put("steppedUpAt", time(f.steppedUpAt()));
        n.put("passwordChangedAt", time(f.passwordChangedAt()));
        n.put("remediatedAt", time(f.remediatedAt()));
        n.put("dismissedAt", time(f.dismissedAt()));
        actor(n, "dismissedBy", f.dismissedBy());
        n.put("dismissReason", f.dismissReason());
        n.put("updatedAt", time(f.updatedAt()));
        return n;
    }

    static ArrayNode flags(List<Flag> list) {
        ArrayNode a = F.arrayNode();
        list.forEach(f -> a.add(flag(f)));
        return a;
    }

    static ArrayNode history(List<FlagHistoryEntry> list) {
        ArrayNode a = F.arrayNode();
        for (FlagHistoryEntry h : list) {
            ObjectNode n = a.addObject();
            n.put("from", h.from() == null ? null : h.from().name());
            n.put("to", h.to().name());
            n.put("at", time(h.at()));
            actor(n, "actor", h.actor());
            n.put("cause", h.cause());
            n.put("detail", h.detail());
        }
        return a;
    }

    static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static void actor(ObjectNode n, String field, Actor a) {
        if (a == null) {
            n.putNull(field);
            return;
        }
        ObjectNode o = n.putObject(field);
        o.put("type", a.type().name());
        o.put("id", a.id());
    }
}
