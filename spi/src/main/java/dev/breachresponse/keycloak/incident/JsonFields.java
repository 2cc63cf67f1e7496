package dev.breachresponse.keycloak.incident;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The field checks the settings and policy codecs share: unknown fields, booleans and bounded whole numbers, each
 * refused with a sentence naming the field as the caller wrote it ({@code where.field}). Pure logic.
 */
final class JsonFields {

    private JsonFields() {
    }

    /**
     * @param where the object's path ({@code hygiene}, {@code breachedPasswords}), or null for the top level
     * @throws IllegalArgumentException "unknown field 'where.k'; known: [...]"
     */
    static void rejectUnknown(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown field '" + (where == null ? "" : where + ".") + k + "'; known: " + known);
            }
        }
    }

    /** {@code parent.field} as a boolean, {@code dflt} when absent; "where.field must be true or false" otherwise. */
    static boolean bool(JsonNode parent, String field, boolean dflt, String where) {
        JsonNode v = parent.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(where + "." + field + " must be true or false");
        }
        return v.booleanValue();
    }

    /** {@code parent.field} as an int in [min, max], {@code dflt} when absent; "where.field must be a whole number from min to max". */
    static int integer(JsonNode parent, String field, int dflt, int min, int max, String where) {
        JsonNode v = parent.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new IllegalArgumentException(where + "." + field + " must be a whole number from " + min + " to " + max);
        }
        return v.intValue();
    }
}
