package dev.breachresponse.keycloak.incident;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
     * The first flags with {@code nextDueAt <= now} by (nextDueAt, id), of one realm or of all realms when
     * {@code realmId} is null: an index range scan from the start of the due range. There is no cursor: the caller
     * moves every flag it looked at out of the range ({@link #scheduleNext} to a later time or null), and what it
     * wrote so far is flushed before the page is read, so the next call returns the next flags.
     */
    List<Due> dueFlags(String realmId, long now, int max);

    /**
     * The caller writes many rows in this transaction: send the inserts and updates to the database in groups of
     * {@code size} statements (JDBC batches) instead of one round trip each.
     */
    void writeInBatches(int size);

    /** When the planner should look at this flag again (null: never). */
    void scheduleNext(String flagId, Long nextDueAt);

    /**
     * Inserts the (flag, step) row; the caller checked {@link #existingSteps}. Written with the transaction; the
     * unique (flag, step) constraint is the backstop should two planners race (that tick then rolls back).
     */
    void create(Flag flag, IncidentRowId incident, int step, Reminder.Kind kind, OutboxState state, long dueAt, String detail);

    /** Of these users, those with a reminder created at or after {@code since} (one query for a page). */
    Set<String> remindedSince(String realmId, Collection<String> userIds, long since);

    /** Of these flags, the steps that already have a row, as {@code flagId + ":" + step} (one query for a page). */
    Set<String> existingSteps(Collection<String> flagIds);

    /** Ids of rows to send now (of one realm, or all when null): PENDING, or FAILED with attempts left and due. */
    List<String> sendable(String realmId, long now, int maxAttempts, int max);

    /** Locks one row for sending (PESSIMISTIC_WRITE); empty when gone. */
    Optional<Reminder> lock(String id);

    void markSent(String id, long at);

    void markFailed(String id, String error, long nextAttemptAt);

    void markCancelled(String id, String why);

    List<Reminder> ofIncident(RealmModel realm, IncidentRowId incident, OutboxState state, int first, int max);

    /** Rows per state for one incident. */
    Map<OutboxState, Long> countsOfIncident(IncidentRowId incident);
}
