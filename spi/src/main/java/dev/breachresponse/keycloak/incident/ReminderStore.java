package dev.breachresponse.keycloak.incident;

import java.util.List;
import java.util.Optional;

import org.keycloak.models.RealmModel;

/**
 * The reminder outbox and the planner's view of flags. A unique (flag, step) row makes a step happen once
 * whatever the number of nodes or restarts; sending locks the row. Obtained from {@link IncidentStore#reminders()}.
 */
public interface ReminderStore {

    /** An open flag whose planner time has come, with its incident. */
    record Due(Flag flag, Incident incident, long nextDueAt) {
    }

    /**
     * Flags with {@code nextDueAt <= now}, keyset-paged by (nextDueAt, id) after the given position; of one realm,
     * or of all realms when {@code realmId} is null.
     */
    List<Due> dueFlags(String realmId, long now, long afterDueAt, String afterId, int max);

    /** When the planner should look at this flag again (null: never). */
    void scheduleNext(String flagId, Long nextDueAt);

    /** Inserts the (flag, step) row unless it exists; returns whether this call created it. */
    boolean create(Flag flag, String incidentInternalId, int step, Reminder.Kind kind, Reminder.State state, long dueAt, String detail);

    /** Whether the user got (or is about to get) a reminder created at or after {@code since}. */
    boolean remindedSince(String realmId, String userId, long since);

    /** Ids of rows to send now (of one realm, or all when null): PENDING, or FAILED with attempts left and due. */
    List<String> sendable(String realmId, long now, int maxAttempts, int max);

    /** Locks one row for sending (PESSIMISTIC_WRITE); empty when gone. */
    Optional<Reminder> lock(String id);

    void markSent(String id, long at);

    void markFailed(String id, String error, long nextAttemptAt);

    void markCancelled(String id, String why);

    List<Reminder> ofIncident(RealmModel realm, String incidentInternalId, Reminder.State state, int first, int max);

    /** Rows per state for one incident. */
    java.util.Map<Reminder.State, Long> countsOfIncident(String incidentInternalId);
}
