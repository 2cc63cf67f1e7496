package dev.breachresponse.keycloak.incident;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.keycloak.models.RealmModel;

/**
 * Webhook endpoints of a realm (BR_WEBHOOK) and their delivery outbox (BR_WEBHOOK_DELIVERY); obtained from
 * {@link IncidentStore#webhooks()}, runs in the caller's transaction. Deliveries of flag, incident and job events are
 * queued by the store itself, in the transaction that made the event; this interface adds the admin's operations and
 * the sender's.
 */
public interface Webhooks {

    /** An endpoint as stored, without its secrets. */
    record Endpoint(String id, String realmId, String url, Set<WebhookEvent> events, boolean enabled, boolean allowHttp,
                    boolean includeEmail, String description, long createdAt, String createdBy, long updatedAt,
                    Long previousSecretUntil) {
    }

    /** What an admin sets on an endpoint (create and replace). */
    record Settings(String url, Set<WebhookEvent> events, boolean enabled, boolean allowHttp, boolean includeEmail,
                    String description) {
    }

    /** The signing secrets of an endpoint: the current one, and the previous one while it is still valid (rotation). */
    record Secrets(String current, String previous, Long previousUntil) {
    }

    /** One delivery as the sender needs it. */
    record Delivery(String id, String realmId, String webhookId, WebhookEvent event, String userId, String payload, int attempts) {
    }

    /** One delivery as the log shows it (no payload). */
    record LogEntry(String id, WebhookEvent event, String userId, DeliveryState state, long createdAt, Long sentAt,
                    int attempts, Long nextAttemptAt, Integer lastStatus, String lastError) {
    }

    int MAX_ENDPOINTS_PER_REALM = 20;

    Endpoint create(RealmModel realm, Settings settings, String secret, Actor actor);

    List<Endpoint> list(RealmModel realm);

    Optional<Endpoint> find(RealmModel realm, String id);

    /** Replaces the settings; disabling cancels the endpoint's pending and failed deliveries. Empty when not found. */
    Optional<Endpoint> update(RealmModel realm, String id, Settings settings);

    /** Removes the endpoint and its deliveries; false when there was none. */
    boolean delete(RealmModel realm, String id);

    /** Makes {@code secret} current; the current one stays valid for signing until {@code previousUntil} (epoch ms). */
    Optional<Endpoint> rotate(RealmModel realm, String id, String secret, long previousUntil);

    /** Queues a {@link WebhookEvent#WEBHOOK_TEST} event for one endpoint; returns the delivery (message) id. */
    String queueTest(Endpoint endpoint);

    /**
     * Queues a signal event ({@link WebhookEvent#PASSWORD_BREACHED}, {@link WebhookEvent#USER_REPORTED}) for the realm's
     * subscribed endpoints, in the current transaction; {@code data} is added to the payload's {@code data} (beside
     * {@code realmId}); values are strings, numbers or booleans.
     */
    void signal(RealmModel realm, WebhookEvent type, String userId, Map<String, Object> data);

    /**
     * Sends the endpoint's DEAD deliveries again: each back to PENDING with its attempts reset, the same message id
     * (receivers drop what they already have); parked staged rows are expanded again. Returns how many deliveries (a
     * parked staged row counts its events).
     */
    int retryDead(String webhookId);

    // the sender's side

    /**
     * Claims up to {@code max} deliveries due now (PENDING; FAILED past their retry time; SENDING past their lease),
     * oldest first: they become SENDING for {@code owner} until {@code leaseUntil} (epoch ms). Short: commit it before
     * sending, so no lock is held across HTTP. Rows another sender claimed meanwhile are not returned.
     */
    List<Delivery> claim(String owner, long now, long leaseUntil, int max);

    /** The oldest staged row (a bulk chunk's events for one endpoint, BR_WEBHOOK_BATCH) waiting to be expanded, if any. */
    Optional<String> oldestStaged();

    /**
     * Expands a staged row into its delivery rows (message ids drawn now; CANCELLED ones when its endpoint was disabled)
     * and deletes it, in the current transaction, holding the row's lock; false when another sender took it meanwhile
     * (or it is parked).
     */
    boolean expandStaged(String id);

    /**
     * Parks a staged row that could not be expanded: a PENDING one becomes DEAD (counted, not listed, kept until
     * {@link #retryDead} of its endpoint or its removal); a CANCELLED one is dropped. Returns how many events became DEAD.
     */
    long parkStaged(String id);

    /** The endpoint with its secrets, for sending; empty when gone. */
    Optional<Endpoint> endpoint(String webhookId);

    Optional<Secrets> secrets(String webhookId);

    /**
     * The results of a claim: each applies only while the row is still SENDING for {@code owner} (a claim whose lease
     * ran out and that another sender took over is left to that sender). Return whether it applied.
     */
    boolean delivered(String owner, String id, int status, long at);

    /** Not delivered: FAILED with a retry at {@code retryAt}, or DEAD when {@code retryAt} is null. */
    boolean failed(String owner, String id, Integer status, String error, Long retryAt);

    boolean cancelled(String owner, String id, String why);

    /** Gives a claimed row back unsent (the sender stopped): due again at once, no attempt counted. */
    boolean release(String owner, String id);

    /** Removes finished deliveries (DELIVERED, DEAD, CANCELLED) created before {@code before}; returns how many. */
    int purge(long before);

    /** Deliveries of one endpoint per state (every state present, zero included; staged events as PENDING or CANCELLED). */
    Map<DeliveryState, Long> counts(String webhookId);

    /** A page of one endpoint's deliveries, newest first; {@code state} null for all. Staged events are not listed until expanded. */
    List<LogEntry> log(String webhookId, DeliveryState state, int first, int max);
}
