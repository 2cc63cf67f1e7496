package dev.breachresponse.keycloak.incident;

import java.util.List;
import java.util.Optional;

import org.keycloak.models.RealmModel;

/**
 * The realm's OpenID Shared Signals receivers (BR_SSF_RECEIVER), their replay store (BR_SSF_JTI) and event log
 * (BR_SSF_EVENT); obtained from {@link IncidentStore#ssf()}, runs in the caller's transaction. What the receivers do
 * with an event is the ssf package's; this interface only keeps state. Shapes in docs/ssf.md.
 */
public interface SsfReceivers {

    /** How SETs reach the receiver: RFC 8935 push to our endpoint, or RFC 8936 poll of the transmitter's. */
    enum Delivery { PUSH, POLL }

    /** What one received SET did. */
    enum Outcome {
        /** An action ran (a flag, a session revocation, flags re-evaluated). */
        APPLIED,
        /** Understood and recorded; the event type asks for no action (or the receiver's settings say none). */
        RECORDED,
        /** The subject matched no user (nothing created, the transmitter is not told). */
        NOT_FOUND,
        /** The subject matched more than one user: none acted on. */
        AMBIGUOUS,
        /** An event type this receiver does not know (RFC 8417 §2.2: ignored). */
        IGNORED,
        /** An SSF verification event. */
        VERIFIED,
        /** A SET already accepted (same issuer and jti): acknowledged again, not applied again. */
        DUPLICATE,
        /** Refused: not a valid SET for this receiver (the {@code err} code of RFC 8935 §2.3). */
        REFUSED,
        /**
         * Accepted, but applying it failed on every one of {@code InboxDrain.MAX_ATTEMPTS} attempts (spread over about an
         * hour; the server log has each error): taken out of the inbox, not applied.
         */
        FAILED,
        /**
         * Verified and taken into the inbox (push answered 202, poll acknowledged): what it did is logged once applied.
         * Only in a poll cycle's answer, never in the log.
         */
        ACCEPTED
    }

    /**
     * How subjects (RFC 9493 / SSF 1.0 §3) map to users: {@code email} by the verified-or-not email address (exact);
     * {@code iss_sub} through the user attribute {@code issSubAttribute} when set, else through the identity-provider
     * link of an identity provider whose {@code issuer} is the subject's {@code iss}; {@code opaque} through the user
     * attribute {@code opaqueAttribute} (none when null).
     */
    record SubjectMapping(boolean email, String issSubAttribute, String opaqueAttribute) {
        public static final SubjectMapping DEFAULT = new SubjectMapping(true, null, null);
    }

    /**
     * What an admin sets on a receiver. {@code jwksUri} null: the transmitter's {@code jwks_uri} (discovery).
     * {@code tokenUrl} null: the issuer's OIDC token endpoint (discovery). Times in seconds.
     */
    record Settings(String alias, String description, boolean enabled, String issuer, String jwksUri, String audience,
                    Delivery delivery, String tokenUrl, String clientId, int pollIntervalSeconds, int maxEvents,
                    String incidentId, SubjectMapping subjects, boolean disableOnHijacking, boolean allowHttp, int maxAgeSeconds,
                    List<String> eventsRequested) {
    }

    /** A receiver as stored, without its secrets. Times in epoch milliseconds. */
    record Receiver(String id, String realmId, Settings settings, boolean hasClientSecret, boolean hasPushToken, String streamId,
                    String pollUrl, String streamStatus, String verifyState, Long verifiedAt, Long lastPollAt,
                    String lastError, int failures, Long nextPollAt, long createdAt, String createdBy, long updatedAt, int keysVersion) {

        /** History actor of what this receiver applies: {@code ssf:<alias>}. */
        public Actor actor() {
            return Actor.ssf(settings.alias());
        }
    }

    /** One row of the event log (never the token). */
    record LoggedEvent(String id, long receivedAt, Delivery delivery, String jti, String eventType, String subjectFormat,
                       String userId, Outcome outcome, String err, String detail) {
    }

    /** How many events of one type ended in one outcome. */
    record Count(String eventType, Outcome outcome, long count) {
    }

    /**
     * An accepted SET in the inbox: its verified claims as JSON (never the compact token), when and how it arrived, and
     * how often a drain has taken it (1 on the first).
     */
    record Queued(String id, String receiverId, long receivedAt, Delivery delivery, String claims, int attempts) {
    }

    /** What waits in a receiver's inbox: how many SETs, the oldest one's arrival (null when none), the most tries one had. */
    record Pending(long count, Long oldestAt, int maxAttempts) {
    }

    int MAX_RECEIVERS_PER_REALM = 20;

    Receiver create(RealmModel realm, Settings settings, String clientSecret, String pushTokenHash, Actor actor);

    List<Receiver> list(RealmModel realm);

    Optional<Receiver> find(RealmModel realm, String id);

    /** The receiver by id alone (the poller's and the push endpoint's look-up); empty when gone. */
    Optional<Receiver> byId(String id);

    /** Replaces the settings; {@code clientSecret} null keeps the stored one. Empty when not found. */
    Optional<Receiver> update(RealmModel realm, String id, Settings settings, String clientSecret);

    /** Removes the receiver, its replay store and log; false when there was none. */
    boolean delete(RealmModel realm, String id);

    /** Replaces the push credential's SHA-256 (hex). */
    Optional<Receiver> setPushTokenHash(RealmModel realm, String id, String hash);

    /** Asks every node to fetch the transmitter's keys again (a new key cache entry): the version goes up by one. */
    void nextKeysVersion(String id);

    /** The SHA-256 (hex) of the push credential; empty when none is set. */
    Optional<String> pushTokenHash(String id);

    /** The client secret for the transmitter's token endpoint (may be a {@code ${vault.…}} reference). */
    Optional<String> clientSecret(String id);

    /** Records the transmitter's stream (after create or adopt); null values clear. */
    void stream(String id, String streamId, String pollUrl, String status);

    /** The state sent with the last verification request (SSF 1.0 §8.1.4.2). */
    void verifyRequested(String id, String state);

    /** A verification event arrived: verified now. */
    void verified(String id, long at);

    /** The stream's status as a {@code stream-updated} event told it. */
    void streamStatus(String id, String status);

    /**
     * Enters a SET into the replay store in the current transaction: false when the same (receiver, {@code key}) is
     * already there (a replay). {@code expiresAt} (epoch ms): when a SET with this {@code iat} is too old anyway.
     */
    boolean remember(String receiverId, String key, long expiresAt);

    void log(String receiverId, LoggedEvent event);

    /**
     * When the receiver last took a SET that was not refused (epoch ms), from the log; null when none. Read for the API
     * only: events do not touch the receiver's row (one row shared by every concurrent event would serialize them).
     */
    Long lastEventAt(String receiverId);

    /** Events per type and outcome, in the log's retention window. */
    List<Count> counts(String receiverId);

    /** A page of the receiver's log, newest first. */
    List<LoggedEvent> events(String receiverId, int first, int max);

    /** Up to {@code max} enabled poll receivers due at {@code now} (NEXT_POLL_AT passed, no live lease), most overdue first. */
    List<String> dueReceivers(long now, int max);

    /**
     * Leases a receiver for {@code owner} until {@code leaseUntil} if it is still enabled, due and without a live lease
     * (another node may have taken it meanwhile). Short: commit it before polling.
     */
    boolean leaseIfDue(String id, String owner, long now, long leaseUntil);

    /** Leases one receiver now (an admin's "poll now"); false when another node holds a live lease. */
    boolean lease(String id, String owner, long now, long leaseUntil);

    /** Extends a lease {@code owner} holds to {@code leaseUntil}; false when it no longer holds it. */
    boolean renewLease(String id, String owner, long leaseUntil);

    /**
     * Ends a lease of {@code owner}: the poll's result (error null: success, failures reset), the next poll time.
     * Applies only while {@code owner} holds the lease.
     */
    void pollDone(String id, String owner, long at, String error, long nextPollAt);

    /** Puts an accepted SET into the inbox (in the transaction that wrote its replay entry). */
    void enqueue(String receiverId, long receivedAt, Delivery delivery, String claims);

    /**
     * Leases up to {@code max} inbox rows that are due at {@code now} (any receiver, oldest first) to {@code owner} until
     * {@code leaseUntil} plus {@code retryStepMillis} for each earlier attempt, and returns them. Rows another drainer
     * took meanwhile are not returned.
     */
    List<Queued> lease(String owner, long now, int max, long leaseUntil, long retryStepMillis);

    /**
     * Locks the rows of {@code ids} that {@code owner} still holds (SELECT … FOR UPDATE) and returns their ids: another
     * drainer cannot take them over before this transaction ends.
     */
    List<String> holdLeased(List<String> ids, String owner);

    /** Deletes applied rows that {@code owner} still holds; returns how many (fewer: another drainer took some over). */
    int applied(List<String> ids, String owner);

    /**
     * Prepares the session's transaction for a drain batch: its writes reach the database in JDBC batches of 100.
     */
    void batchWrites();

    /**
     * Runs read-only look-ups (subject mapping) without flushing the transaction's pending changes first: Hibernate would
     * otherwise walk every entity the batch has loaded before each query. Only for reads that no earlier change of the
     * transaction can affect.
     */
    <T> T readOnly(java.util.function.Supplier<T> lookups);

    /** What waits in the receiver's inbox. */
    Pending pending(String receiverId);

    /** Removes replay entries past their expiry and log rows received before {@code logBefore}; returns how many. */
    int purge(long now, long logBefore);
}
