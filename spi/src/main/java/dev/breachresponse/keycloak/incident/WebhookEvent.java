package dev.breachresponse.keycloak.incident;

import java.util.Arrays;
import java.util.Optional;

/**
 * The event types a webhook endpoint subscribes to, with their wire names (the {@code type} of the Standard Webhooks
 * payload: dotted, lower case, as the specification's examples). Flag events come from the one flag writer, so every
 * path that changes a flag (API, bulk job, login, reminder escalation, factor removal) emits them.
 */
public enum WebhookEvent {
    /** An incident was created. */
    INCIDENT_OPENED("incident.opened"),
    /** An incident was closed. */
    INCIDENT_CLOSED("incident.closed"),
    /** A user was flagged (a new flag, in the initial state). */
    FLAG_CREATED("flag.created"),
    /** A flagged user passed step-up MFA or enrolled a second factor. */
    FLAG_STEPPED_UP("flag.stepped_up"),
    /** A flag was remediated (every step the incident's policy asks for is done). */
    FLAG_REMEDIATED("flag.remediated"),
    /** An admin dismissed a flag. */
    FLAG_DISMISSED("flag.dismissed"),
    /** A dismissed or remediated flag was opened again (re-flag, or the factor used was removed). */
    FLAG_REOPENED("flag.reopened"),
    /** A flag reached its deadline and the policy's escalation ran. */
    FLAG_ESCALATED("flag.escalated"),
    /** A bulk flag job ended (succeeded, failed or cancelled), with its counts. */
    JOB_FINISHED("job.finished"),
    /** A password typed at login was found in a breach source (docs/breached-passwords.md); never the password. */
    PASSWORD_BREACHED("password.breached"),
    /** A user reported from a security email that a change to their account was not theirs (docs/user-reports.md). */
    USER_REPORTED("user.reported"),
    /** A Shared Signals receiver applied a Security Event Token (docs/ssf.md): a flag, a session revocation. */
    SSF_APPLIED("ssf.applied"),
    /** Sent on request ({@code POST /webhooks/{id}/test}) to check an endpoint; always delivered, never subscribed. */
    WEBHOOK_TEST("webhook.test");

    private final String wire;

    WebhookEvent(String wire) {
        this.wire = wire;
    }

    /** The name on the wire and in the API, e.g. {@code flag.created}. */
    public String wire() {
        return wire;
    }

    /** The event of a wire name; empty when unknown. */
    public static Optional<WebhookEvent> ofWire(String name) {
        return Arrays.stream(values()).filter(e -> e.wire.equals(name)).findFirst();
    }

    /** Whether an endpoint may subscribe to it (all but {@link #WEBHOOK_TEST}). */
    public boolean subscribable() {
        return this != WEBHOOK_TEST;
    }
}
