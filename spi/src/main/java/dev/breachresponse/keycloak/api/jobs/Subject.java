package dev.breachresponse.keycloak.api.jobs;

/**
 * One entry of a bulk flag request, as given. {@code invalid} is a reason when the entry cannot be used;
 * such an entry is stored with outcome INVALID and never looked up.
 */
public record Subject(Type type, String value, String invalid) {

    public enum Type { EMAIL, USERNAME, ID }

    public static final int MAX_VALUE = 320;

    public static Subject of(Type type, String raw) {
        String v = raw == null ? "" : raw.strip();
        if (v.isEmpty()) {
            return new Subject(type, null, "empty " + type.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (v.length() > MAX_VALUE) {
            return new Subject(type, v.substring(0, MAX_VALUE), "longer than " + MAX_VALUE + " characters");
        }
        if (v.chars().anyMatch(c -> c < 0x20)) {
            return new Subject(type, v.replaceAll("\\p{Cntrl}", "?"), "contains control characters");
        }
        if (type == Type.EMAIL && !v.matches("[^@\\s]+@[^@\\s]+")) {
            return new Subject(type, v, "not an email address");
        }
        return new Subject(type, v, null);
    }

    public static Subject invalid(String given, String reason) {
        String g = given == null ? null : (given.length() > MAX_VALUE ? given.substring(0, MAX_VALUE) : given);
        return new Subject(null, g, reason);
    }

    public boolean isValid() {
        return invalid == null;
    }
}
