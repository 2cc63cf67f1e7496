package dev.breachresponse.keycloak.incident;

/**
 * One entry of a flag's history, numbered {@code seq} 0, 1, 2, … per flag without gaps, in the order written.
 * A {@link Kind#TRANSITION} records a state change: {@code from} is null for the entry that created the flag,
 * {@code to} the new state. A {@link Kind#NOTE} records something that changed no state ({@code cause}
 * {@value #ESCALATED}, {@value #GRACE_SKIP}, {@value #PASSWORD_CHANGED}); its {@code from} and {@code to} are
 * null. {@code at} is epoch milliseconds.
 */
public record FlagHistoryEntry(int seq, Kind kind, FlagState from, FlagState to, long at, Actor actor, String cause, String detail) {

    /** What an entry records. */
    public enum Kind { TRANSITION, NOTE }

    /** Note cause: the deadline escalation added these actions ({@code detail}: comma-separated). */
    public static final String ESCALATED = "escalated";

    /** Note cause: the user postponed enrolment within the grace period ({@code detail}: "skip n"). */
    public static final String GRACE_SKIP = "grace-skip";

    /** Note cause: the user's first password change after flagging. */
    public static final String PASSWORD_CHANGED = "password-changed";
}
