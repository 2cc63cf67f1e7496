package dev.breachresponse.keycloak.incident;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.RealmSettings.UserReports;

/**
 * Reads and writes the {@code userReports} part of the realm settings: absent fields take the defaults; unknown
 * fields, wrong types and values out of range are refused with a sentence naming the field. Pure logic.
 */
final class UserReportsCodec {

    private static final Set<String> FIELDS = Set.of("securityEmails", "securityContact", "linkDays");

    /** An address of at most 254 characters with one {@code @}, no spaces or controls, and a dot in its domain. */
    static final String ADDRESS = "[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}]+";

    private UserReportsCodec() {
    }

    /** @throws IllegalArgumentException naming the offending field */
    static UserReports read(JsonNode r) {
        UserReports d = UserReports.DEFAULTS;
        if (r == null) {
            return d;
        }
        if (!r.isObject()) {
            throw new IllegalArgumentException("userReports must be an object such as {\"securityEmails\": true, \"securityContact\": \"soc@example.com\"}");
        }
        JsonFields.rejectUnknown(r, FIELDS, "userReports");
        boolean emails = JsonFields.bool(r, "securityEmails", d.securityEmails(), "userReports");
        String contact = address(r.get("securityContact"), d.securityContact(), v -> true,
                "userReports.securityContact must be an email address such as soc@example.com, or null");
        int days = JsonFields.integer(r, "linkDays", d.linkDays(), 1, 30, "userReports");
        return new UserReports(emails, contact, days);
    }

    /**
     * An email address field: {@code dflt} when absent or null; else the trimmed text when it is at most 254 characters,
     * matches {@link #ADDRESS} and passes {@code stricter}; else {@code refusal}.
     */
    static String address(JsonNode c, String dflt, java.util.function.Predicate<String> stricter, String refusal) {
        if (c == null || c.isNull()) {
            return dflt;
        }
        String v = c.isTextual() ? c.textValue().trim() : "";
        if (v.length() > 254 || !v.matches(ADDRESS) || !stricter.test(v)) {
            throw new IllegalArgumentException(refusal);
        }
        return v;
    }

    static ObjectNode toJson(UserReports r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("securityEmails", r.securityEmails());
        if (r.securityContact() == null) {
            n.putNull("securityContact");
        } else {
            n.put("securityContact", r.securityContact());
        }
        n.put("linkDays", r.linkDays());
        return n;
    }
}
