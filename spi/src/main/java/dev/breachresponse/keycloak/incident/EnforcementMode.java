package dev.breachresponse.keycloak.incident;

/**
 * What login enforcement does with an incident's open flags: {@code enforce} challenges the user (step-up,
 * enrolment, password change); {@code report-only} computes the same decision at login, records and counts it
 * ("would have asked for …"), and lets the user through. Revocation and reminders follow the policy either way.
 */
public enum EnforcementMode {
    ENFORCE("enforce"),
    REPORT_ONLY("report-only");

    /** The JSON value. */
    public final String key;

    EnforcementMode(String key) {
        this.key = key;
    }

    /** The mode for a JSON value; {@code null} when it names none. */
    public static EnforcementMode byKey(String key) {
        for (EnforcementMode m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        return null;
    }
}
