package dev.breachresponse.keycloak.incident;

import java.util.List;
import java.util.Optional;

import org.keycloak.models.RealmModel;

/**
 * Bulk flag jobs in the database: intake, paging, cancellation, and the lease-based claiming that lets any
 * node run or resume a job. Obtained from {@link IncidentStore#jobs()}; runs in the caller's transaction.
 */
public interface JobStore {

    /** A new job row, QUEUED, with no items yet; its request fingerprint comes with {@link #finishIntake}. */
    Job create(RealmModel realm, Incident incident, boolean dryRun, String idempotencyKey,
               Actor actor, String adminRealmId, String adminUserId, String adminClientId);

    /**
     * Appends items (sequence numbers from {@code firstSeq}) as submitted, in one write; invalid subjects read as
     * outcome INVALID from now on.
     */
    void addItems(String jobId, int firstSeq, List<NewItem> items);

    /** {@code also}: the entry's other identifiers, encoded as {@code Subject.encodedAlso()}, or null. */
    record NewItem(SubjectType subjectType, String subject, String invalidReason, String also) {
        public NewItem(SubjectType subjectType, String subject, String invalidReason) {
            this(subjectType, subject, invalidReason, null);
        }
    }

    /**
     * Sets the counts, dry-run flag and request fingerprint once intake is complete, and the CSV header columns
     * the intake did not read ({@code ignoredColumns}, empty for JSON bodies).
     */
    Job finishIntake(String jobId, int submitted, int invalid, boolean dryRun, String requestHash, List<String> ignoredColumns);

    Optional<Job> find(RealmModel realm, String jobId);

    Optional<Job> findByIdempotencyKey(RealmModel realm, String key);

    List<Job> ofIncident(RealmModel realm, IncidentRowId incident, int first, int max);

    /**
     * The job's items in sequence order, those with {@code outcome} (null: all), from position {@code first} of that
     * listing, at most {@code max}: processed ones with their outcomes, the rest as submitted (outcome null, or INVALID
     * for a subject refused at intake).
     */
    List<JobItem> items(String jobId, ItemOutcome outcome, int first, int max);

    /** Cancels an active job; true when it was active. */
    boolean cancel(RealmModel realm, String jobId);

    /**
     * Claims the oldest runnable job of any realm for {@code owner} until {@code leaseUntil}: a QUEUED job, or
     * a RUNNING one whose lease expired (its node died), while no other job of the same realm holds a live
     * lease. Serialised through row locks, so two nodes never claim the same job.
     */
    Optional<Job> claim(String owner, long now, long leaseUntil);

    /**
     * Puts this session's persistence context into bulk mode for one chunk: changes are flushed at commit
     * only, so hundreds of user lookups do not each re-check every entity loaded before them, and then as JDBC
     * batches.
     */
    void bulkMode();

    /** The job locked for update if {@code owner} still holds its lease, else empty (lost or cancelled). */
    Optional<Job> lockIfOwned(String jobId, String owner);

    /** Items not yet processed, from the job's cursor on. */
    List<JobItem> pending(String jobId, int fromSeq, int limit);

    /**
     * One chunk's result: writes the chunk's items (every item from {@code chunk.get(0).seq()} to the last, numbered
     * consecutively, with their outcomes) as one result page, adds to the counts, moves the cursor and extends the lease.
     *
     * @throws IllegalStateException when the chunk's sequence numbers are not consecutive (nothing is written)
     */
    void recordChunk(String jobId, List<JobItem> chunk, Job.Counts delta, int newProcessed, long leaseUntil);

    void complete(String jobId, JobState finalState, String error);

    /**
     * Deletes the items, pages and result pages of up to {@code limit} jobs finished before {@code cutoff} that still hold some
     * (they hold emails of non-users), oldest first; returns the rows deleted.
     */
    int purgeItems(long cutoff, int limit);
}
