package dev.breachresponse.keycloak.incident;

/**
 * What a bulk job did with one subject. In a dry run FLAGGED means "would be flagged". {@code BR_JOB_RESULT} has a
 * count column named as each value: a new value needs its column (a Liquibase change) before a chunk can record it.
 */
public enum ItemOutcome {
    FLAGGED, ALREADY_FLAGGED, NOT_FOUND, INVALID, AMBIGUOUS;

    public static ItemOutcome parse(String s) {
        for (ItemOutcome o : values()) {
            if (o.name().equalsIgnoreCase(s)) {
                return o;
            }
        }
        return null;
    }
}
