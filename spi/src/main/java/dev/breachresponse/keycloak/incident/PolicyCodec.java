package dev.breachresponse.keycloak.incident;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a caller's (partial) policy JSON over the defaults, rejecting unknown keys, wrong types and values
 * out of range, and writes a policy back as JSON for storage. Pure logic: no Keycloak session.
 */
public final class PolicyCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> TOP = Set.of("requireMfa", "requirePasswordChange", "revokeSessions",
            "allowedFactors", "grace", "reminders", "deadlineDays", "onDeadline", "enforcement");

    static final int MAX_DAYS = 365;

    private PolicyCodec() {
    }

    /**
     * @param given the caller's policy object, or {@code null} for defaults only
     * @throws IllegalArgumentException with a sentence naming the offending field
     */
    public static Policy read(JsonNode given, Policy defaults) {
        if (given == null || given.isNull()) {
            return defaults;
        }
        if (!given.isObject()) {
            throw new IllegalArgumentException("policy must be a JSON object");
        }
        rejectUnknown(given, TOP, "policy");
        boolean requireMfa = bool(given, "requireMfa", defaults.requireMfa(), "policy");
        boolean requirePasswordChange = bool(given, "requirePasswordChange", defaults.requirePasswordChange(), "policy");
        boolean revokeSessions = bool(given, "revokeSessions", defaults.revokeSessions(), "policy");
        List<String> factors = factors(given.get("allowedFactors"), defaults.allowedFactors());
        if (requireMfa && factors.isEmpty()) {
            throw new IllegalArgumentException("policy.allowedFactors must not be empty when requireMfa is true");
        }

        Policy.Grace grace = defaults.grace();
        JsonNode g = given.get("grace");
        if (g != null) {
            requireObject(g, "policy.grace");
            rejectUnknown(g, Set.of("days", "skips"), "policy.grace");
            grace = new Policy.Grace(
                    integer(g, "days", grace.days(), 0, MAX_DAYS, "policy.grace"),
                    integer(g, "skips", grace.skips(), 0, 100, "policy.grace"));
        }

        Policy.Reminders reminders = defaults.reminders();
        JsonNode r = given.get("reminders");
        if (r != null) {
            requireObject(r, "policy.reminders");
            rejectUnknown(r, Set.of("enabled", "afterDays"), "policy.reminders");
            reminders = new Policy.Reminders(
                    bool(r, "enabled", reminders.enabled(), "policy.reminders"),
                    days(r.get("afterDays"), reminders.afterDays()));
        }

        int deadlineDays = integer(given, "deadlineDays", defaults.deadlineDays(), 0, MAX_DAYS, "policy");

        Policy.OnDeadline onDeadline = defaults.onDeadline();
        JsonNode d = given.get("onDeadline");
        if (d != null) {
            requireObject(d, "policy.onDeadline");
            rejectUnknown(d, Set.of("requiredActions", "revokeSessions", "disableAccount"), "policy.onDeadline");
            onDeadline = new Policy.OnDeadline(
                    bool(d, "requiredActions", onDeadline.requiredActions(), "policy.onDeadline"),
                    bool(d, "revokeSessions", onDeadline.revokeSessions(), "policy.onDeadline"),
                    bool(d, "disableAccount", onDeadline.disableAccount(), "policy.onDeadline"));
        }
        EnforcementMode enforcement = enforcement(given.get("enforcement"), defaults.enforcement(), "policy.enforcement");
        return new Policy(requireMfa, requirePasswordChange, revokeSessions, factors, grace, reminders,
                deadlineDays, onDeadline, enforcement);
    }

    /** {@code "enforce"} or {@code "report-only"}; {@code dflt} when absent. */
    static EnforcementMode enforcement(JsonNode v, EnforcementMode dflt, String where) {
        if (v == null) {
            return dflt;
        }
        EnforcementMode m = v.isTextual() ? EnforcementMode.byKey(v.textValue()) : null;
        if (m == null) {
            throw new IllegalArgumentException(where + " must be \"enforce\" or \"report-only\"");
        }
        return m;
    }

    /** Canonical JSON (stable key order) used for storage and for comparing two requests. */
    public static ObjectNode toJson(Policy p) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("requireMfa", p.requireMfa());
        n.put("requirePasswordChange", p.requirePasswordChange());
        n.put("revokeSessions", p.revokeSessions());
        ArrayNode f = n.putArray("allowedFactors");
        p.allowedFactors().forEach(f::add);
        ObjectNode g = n.putObject("grace");
        g.put("days", p.grace().days());
        g.put("skips", p.grace().skips());
        ObjectNode r = n.putObject("reminders");
        r.put("enabled", p.reminders().enabled());
        ArrayNode a = r.putArray("afterDays");
        p.reminders().afterDays().forEach(a::add);
        n.put("deadlineDays", p.deadlineDays());
        ObjectNode d = n.putObject("onDeadline");
        d.put("requiredActions", p.onDeadline().requiredActions());
        d.put("revokeSessions", p.onDeadline().revokeSessions());
        d.put("disableAccount", p.onDeadline().disableAccount());
        n.put("enforcement", p.enforcement().key);
        return n;
    }

    public static String toJsonString(Policy p) {
        return toJson(p).toString();
    }

    /** Reads a stored policy (written by {@link #toJsonString}); defaults fill fields added in later versions. */
    public static Policy fromStored(String json, List<String> exposedData) {
        try {
            return read(MAPPER.readTree(json), Policy.defaultsFor(exposedData));
        } catch (IOException e) {
            throw new IllegalStateException("stored policy is not JSON", e);
        }
    }

    private static void rejectUnknown(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String k = it.next().getKey();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown field '" + k + "'");
            }
        }
    }

    private static void requireObject(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object");
        }
    }

    private static boolean bool(JsonNode parent, String field, boolean dflt, String where) {
        return JsonFields.bool(parent, field, dflt, where);
    }

    private static int integer(JsonNode parent, String field, int dflt, int min, int max, String where) {
        return JsonFields.integer(parent, field, dflt, min, max, where);
    }

    private static List<String> factors(JsonNode v, List<String> dflt) {
        if (v == null) {
            return dflt;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("policy.allowedFactors must be an array of " + Factor.KEYS);
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || !Factor.KEYS.contains(e.textValue())) {
                throw new IllegalArgumentException("policy.allowedFactors: '" + e.asText()
                        + "' is not a supported factor; supported: " + Factor.KEYS
                        + " (email and SMS codes are never allowed: the leak was of email addresses)");
            }
            out.add(e.textValue());
        }
        return List.copyOf(out);
    }

    private static List<Integer> days(JsonNode v, List<Integer> dflt) {
        if (v == null) {
            return dflt;
        }
        if (!v.isArray() || v.size() > 20) {
            throw new IllegalArgumentException("policy.reminders.afterDays must be an array of at most 20 day numbers");
        }
        List<Integer> out = new ArrayList<>();
        int previous = -1;
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.intValue() < 0 || e.intValue() > MAX_DAYS) {
                throw new IllegalArgumentException("policy.reminders.afterDays: each entry must be a whole number from 0 to " + MAX_DAYS);
            }
            if (e.intValue() <= previous) {
                throw new IllegalArgumentException("policy.reminders.afterDays must be strictly increasing");
            }
            previous = e.intValue();
            out.add(e.intValue());
        }
        return List.copyOf(out);
    }
}
