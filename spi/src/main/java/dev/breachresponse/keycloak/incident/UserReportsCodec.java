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
        String contact = d.securityContact();
        JsonNode c = r.get("securityContact");
        if (c != null && !c.isNull()) {
            String v = c.isTextual() ? c.textValue().trim() : "";
            if (v.length() > 254 || !v.matches(ADDRESS)) {
                throw new IllegalArgumentException("userReports.securityContact must be an email address such as soc@example.com, or null");
            }
            contact = v;
        }
        int days = JsonFields.integer(r, "linkDays", d.linkDays(), 1, 30, "userReports");
        return new UserReports(emails, contact, days);
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
