package dev.breachresponse.keycloak.incident;

import java.util.Iterator;
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
    private static final String ADDRESS = "[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}]+";

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
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!FIELDS.contains(k)) {
                throw new IllegalArgumentException("unknown field 'userReports." + k + "'; known: " + FIELDS);
            }
        }
        boolean emails = d.securityEmails();
        JsonNode e = r.get("securityEmails");
        if (e != null) {
            if (!e.isBoolean()) {
                throw new IllegalArgumentException("userReports.securityEmails must be true or false");
            }
            emails = e.booleanValue();
        }
        String contact = d.securityContact();
        JsonNode c = r.get("securityContact");
        if (c != null && !c.isNull()) {
            String v = c.isTextual() ? c.textValue().trim() : "";
            if (v.length() > 254 || !v.matches(ADDRESS)) {
                throw new IllegalArgumentException("userReports.securityContact must be an email address such as soc@example.com, or null");
            }
            contact = v;
        }
        int days = d.linkDays();
        JsonNode l = r.get("linkDays");
        if (l != null) {
            if (!l.isIntegralNumber() || !l.canConvertToInt() || l.intValue() < 1 || l.intValue() > 30) {
                throw new IllegalArgumentException("userReports.linkDays must be a whole number of days from 1 to 30");
            }
            days = l.intValue();
        }
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
