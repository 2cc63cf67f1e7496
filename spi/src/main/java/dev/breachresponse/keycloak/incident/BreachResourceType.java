package dev.breachresponse.keycloak.incident;

/**
 * The admin-event resource types this extension emits ({@code AdminEvent#getResourceType}, the constant's name as
 * is): one list for the REST API and the scheduler. Keycloak's own {@code ResourceType} enum is closed, so these go
 * through {@code AdminEventBuilder#resource(String)} and {@code AdminEvent#setResourceTypeAsString}.
 */
public enum BreachResourceType {
    /** An incident created, updated or closed. */
    BREACH_INCIDENT,
    /** One flag set or dismissed. */
    BREACH_FLAG,
    /** A bulk flag job accepted or cancelled. */
    BREACH_FLAG_JOB,
    /** A reminder run (one per realm and run, with counts). */
    BREACH_REMINDER,
    /** An escalation of one flag at its deadline. */
    BREACH_ESCALATION,
    /** A hygiene walk slice or send run (one per realm, with counts). */
    BREACH_HYGIENE,
    /** {@code POST /setup}. */
    BREACH_SETUP,
    /** {@code PUT /config}. */
    BREACH_CONFIG,
    /** A webhook endpoint created, changed, deleted, its secret rotated or a test event sent (never the secret). */
    BREACH_WEBHOOK,
    /** A user's "this wasn't me" report from a security email (the report flags them; by the user, no admin). */
    BREACH_USER_REPORT,
    /** A Shared Signals receiver created, changed, deleted, its stream created or deleted, its push credential rotated. */
    BREACH_SSF_RECEIVER,
    /** A Security Event Token a Shared Signals receiver applied (a flag, a session revocation; by the receiver, no admin). */
    BREACH_SSF_EVENT,
    /** An admin-alert run started through the API (kinds checked, sent and failed; never the contact's address). */
    BREACH_ALERT
}
