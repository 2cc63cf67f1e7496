package dev.breachresponse.keycloak.incident;

/** One outbox row: a reminder step (or the escalation, step {@link #ESCALATION}) of one flag. */
public record Reminder(String id, String realmId, String flagId, IncidentRowId incidentRowId, String userId, int step,
                       Kind kind, OutboxState state, long dueAt, long createdAt, Long sentAt, int attempts, Long nextAttemptAt,
                       String lastError, String detail) {

    public static final int ESCALATION = -1;

    public enum Kind { REMINDER, ESCALATION }
}
