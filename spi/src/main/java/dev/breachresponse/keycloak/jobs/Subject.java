package dev.breachresponse.keycloak.jobs;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

import dev.breachresponse.keycloak.incident.SubjectType;

/**
 * One entry of a bulk flag request, as given. {@code invalid} is a reason when the entry cannot be used;
 * such an entry is stored with outcome INVALID and never looked up. {@code also} holds the entry's other
 * identifiers (a CSV row or JSON object giving, say, both username and email): {@code type}/{@code value} is the
 * first given in the precedence id, username, email, and every identifier in {@code also} must name the same
 * user (checked by {@link SubjectResolver} at processing time).
 */
public record Subject(SubjectType type, String value, String invalid, Map<SubjectType, String> also) {

    public static final int MAX_VALUE = 320;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    public Subject {
        also = also == null || also.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(also));
    }

    public Subject(SubjectType type, String value, String invalid) {
        this(type, value, invalid, Map.of());
    }

    public static Subject of(SubjectType type, String raw) {
        String v = raw == null ? "" : raw.strip();
        if (v.isEmpty()) {
            return new Subject(type, null, "empty " + type.key());
        }
        if (v.length() > MAX_VALUE) {
            return new Subject(type, v.substring(0, MAX_VALUE), "longer than " + MAX_VALUE + " characters");
        }
        if (v.chars().anyMatch(c -> c < 0x20)) {
            return new Subject(type, v.replaceAll("\\p{Cntrl}", "?"), "contains control characters");
        }
        if (type == SubjectType.EMAIL && !EMAIL.matcher(v).matches()) {
            return new Subject(type, v, "not an email address");
        }
        return new Subject(type, v, null);
    }

    /**
     * One entry giving several identifiers ({@code given}: non-blank values by kind). The first in precedence
     * order is the subject; the others go to {@link #also}. An unusable value of any of them makes the entry
     * invalid, the reason naming the identifier.
     */
    public static Subject of(Map<SubjectType, String> given) {
        EnumMap<SubjectType, String> sorted = new EnumMap<>(given);
        Subject primary = null;
        EnumMap<SubjectType, String> also = new EnumMap<>(SubjectType.class);
        for (Map.Entry<SubjectType, String> e : sorted.entrySet()) {
            Subject one = of(e.getKey(), e.getValue());
            if (!one.isValid()) {
                return new Subject(one.type(), one.value(), sorted.size() == 1 ? one.invalid() : e.getKey().key() + ": " + one.invalid());
            }
            if (primary == null) {
                primary = one;
            } else {
                also.put(one.type(), one.value());
            }
        }
        if (primary == null) {
            throw new IllegalArgumentException("no identifier given");
        }
        return new Subject(primary.type(), primary.value(), null, also);
    }

    public static Subject invalid(String given, String reason) {
        String g = given == null ? null : (given.length() > MAX_VALUE ? given.substring(0, MAX_VALUE) : given);
        return new Subject(null, g, reason);
    }

    public boolean isValid() {
        return invalid == null;
    }

    /** {@link #also} as stored in a job's pages (and BR_JOB_ITEM.ALSO of earlier versions): {@code TYPE:value} lines (values hold no control characters); null when empty. */
    public String encodedAlso() {
        if (also.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        also.forEach((t, v) -> b.append(b.isEmpty() ? "" : "\n").append(t.name()).append(':').append(v));
        return b.toString();
    }

    /** The inverse of {@link #encodedAlso()}; empty for null. */
    public static Map<SubjectType, String> decodeAlso(String stored) {
        if (stored == null || stored.isEmpty()) {
            return Map.of();
        }
        EnumMap<SubjectType, String> out = new EnumMap<>(SubjectType.class);
        for (String line : stored.split("\n")) {
            int colon = line.indexOf(':');
            out.put(SubjectType.valueOf(line.substring(0, colon)), line.substring(colon + 1));
        }
        return out;
    }
}
