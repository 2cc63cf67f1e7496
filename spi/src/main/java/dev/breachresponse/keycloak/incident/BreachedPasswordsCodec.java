package dev.breachresponse.keycloak.incident;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.RealmSettings.BreachedPasswords;
import dev.breachresponse.keycloak.support.OutboundUrls;

/**
 * Reads and writes the {@code breachedPasswords} part of the realm settings: absent fields take the defaults;
 * unknown fields, wrong types and values out of range are refused with a sentence naming the field. Pure logic.
 */
final class BreachedPasswordsCodec {

    private static final Set<String> FIELDS = Set.of("checkAtLogin", "rangeApiUrl", "offlineCorpus", "minCount", "failClosed");

    /** The largest {@code minCount}: a password seen more often than this is in every corpus anyway. */
    static final int MAX_MIN_COUNT = 1_000_000;

    private BreachedPasswordsCodec() {
    }

    /** @throws IllegalArgumentException naming the offending field */
    static BreachedPasswords read(JsonNode b) {
        BreachedPasswords d = BreachedPasswords.DEFAULTS;
        if (b == null) {
            return d;
        }
        if (!b.isObject()) {
            throw new IllegalArgumentException("breachedPasswords must be an object such as {\"checkAtLogin\": true, \"rangeApiUrl\": \""
                    + BreachedPasswords.PUBLIC_RANGE_API + "\"}");
        }
        JsonFields.rejectUnknown(b, FIELDS, "breachedPasswords");
        String url = d.rangeApiUrl();
        JsonNode u = b.get("rangeApiUrl");
        if (u != null) {
            if (u.isNull()) {
                url = null;
            } else if (!u.isTextual()) {
                throw new IllegalArgumentException("breachedPasswords.rangeApiUrl must be an https URL (the range API's base, without /range) or null");
            } else {
                url = u.textValue().trim();
                while (url.endsWith("/")) {
                    url = url.substring(0, url.length() - 1);
                }
                String problem = OutboundUrls.problem("breachedPasswords.rangeApiUrl", url, false, null);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
                if (url.contains("?")) {
                    throw new IllegalArgumentException("breachedPasswords.rangeApiUrl must not have a query");
                }
            }
        }
        boolean login = JsonFields.bool(b, "checkAtLogin", d.checkAtLogin(), "breachedPasswords");
        boolean offline = JsonFields.bool(b, "offlineCorpus", d.offlineCorpus(), "breachedPasswords");
        boolean failClosed = JsonFields.bool(b, "failClosed", d.failClosed(), "breachedPasswords");
        int min = JsonFields.integer(b, "minCount", d.minCount(), 1, MAX_MIN_COUNT, "breachedPasswords");
        if (login && url == null && !offline) {
            throw new IllegalArgumentException("breachedPasswords.checkAtLogin needs a source: a rangeApiUrl, or offlineCorpus set to true");
        }
        return new BreachedPasswords(login, url, offline, min, failClosed);
    }

    static ObjectNode toJson(BreachedPasswords b) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("checkAtLogin", b.checkAtLogin());
        if (b.rangeApiUrl() == null) {
            n.putNull("rangeApiUrl");
        } else {
            n.put("rangeApiUrl", b.rangeApiUrl());
        }
        n.put("offlineCorpus", b.offlineCorpus());
        n.put("minCount", b.minCount());
        n.put("failClosed", b.failClosed());
        return n;
    }
}
