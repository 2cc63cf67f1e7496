package dev.breachresponse.keycloak.incident;

/**
 * The state of one row of any of the extension's outboxes (reminders and escalations, hygiene nudges, back-channel
 * logouts): PENDING → SENT, or FAILED (retried while attempts remain), or CANCELLED (no longer owed).
 */
public enum OutboxState {
    PENDING, SENT, FAILED, CANCELLED
}
