package dev.breachresponse.keycloak.incident.jpa;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.keycloak.common.util.Time;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.DeliveryState;
import dev.breachresponse.keycloak.incident.WebhookEvent;
import dev.breachresponse.keycloak.support.BulkActivity;

/**
 * Queues webhook deliveries in the caller's transaction: one BR_WEBHOOK_DELIVERY row per event and enabled endpoint of
 * the realm subscribed to it, the body built now (Standard Webhooks payload: {@code type}, {@code timestamp} in ISO 8601
 * UTC, {@code data}). {@value #STAGE_AT_LEAST} or more events of one type at once (the bulk path) are staged: one
 * BR_WEBHOOK_BATCH row per endpoint, which the sender expands into delivery rows when no bulk job runs on its node
 * ({@link #expand}); fewer are written as delivery rows with multi-row inserts. The realm's enabled
 * endpoints are read once per realm and store instance (one Keycloak session), and {@link #onQueued} is told once a
 * row is written, so the sender wakes after commit.
 */
final class WebhookQueue {

    /** The delivery rows' columns, as queued and as expanded from a staged row ({@code LAST_ERROR} set only for a cancelled one). */
    private static final List<String> COLUMNS = List.of("ID", "REALM_ID", "WEBHOOK_ID", "EVENT_TYPE", "USER_ID", "PAYLOAD", "STATE",
            "CREATED_AT", "ATTEMPTS", "LAST_ERROR");

    /**
     * From this many events of one type in one call (a bulk job's chunk), they are staged: one BR_WEBHOOK_BATCH row per
     * endpoint instead of a delivery row per event and endpoint.
     */
    static final int STAGE_AT_LEAST = 20;

    /** One event about one user (or none): the {@code data} object and the user it names. */
    record Event(String userId, ObjectNode data) {
    }

    private final EntityManager em;
    private final Runnable onQueued;
    private final Map<String, List<WebhookEntity>> enabledByRealm = new HashMap<>();

    WebhookQueue(EntityManager em, Runnable onQueued) {
        this.em = em;
        this.onQueued = onQueued;
    }

    /** A fresh {@code data} object for an event of the realm. */
    static ObjectNode data(String realmId) {
        ObjectNode data = JsonSerialization.mapper.createObjectNode();
        data.put("realmId", realmId);
        return data;
    }

    /** Queues one event for the realm's subscribed endpoints. */
    void queue(String realmId, WebhookEvent type, String userId, ObjectNode data) {
        queueAll(realmId, type, List.of(new Event(userId, data)));
    }

    /** Queues events of one type for the realm's subscribed endpoints, set-based. */
    void queueAll(String realmId, WebhookEvent type, List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        List<WebhookEntity> endpoints = subscribed(realmId, type);
        if (endpoints.isEmpty()) {
            return;
        }
        long now = Time.currentTimeMillis();
        if (events.size() >= STAGE_AT_LEAST) {
            stage(realmId, type, events, endpoints, now);
            return;
        }
        List<Object[]> rows = new ArrayList<>(events.size() * endpoints.size());
        for (Event e : events) {
            String body = body(type, now, e.data());
            for (WebhookEntity w : endpoints) {
                rows.add(new Object[] {messageId(), realmId, w.id, type.wire(), e.userId(), body, DeliveryState.PENDING.name(), now, 0, null});
            }
        }
        em.flush();
        em.unwrap(Session.class).doWork(c -> MultiRowInsert.insert(c, "BR_WEBHOOK_DELIVERY", COLUMNS, rows));
        onQueued.run();
    }

    /** One staged row per endpoint, holding every event's line ({@link WebhookBatchEntity}); the sender expands it. */
    private void stage(String realmId, WebhookEvent type, List<Event> events, List<WebhookEntity> endpoints, long now) {
        StringBuilder lines = new StringBuilder(events.size() * 360);
        for (Event e : events) {
            lines.append(e.userId() == null ? "" : e.userId()).append('\t').append(body(type, now, e.data())).append('\n');
        }
        String text = lines.toString();
        for (WebhookEntity w : endpoints) {
            WebhookBatchEntity b = new WebhookBatchEntity();
            b.id = KeycloakModelUtils.generateId();
            b.realmId = realmId;
            b.webhookId = w.id;
            b.eventType = type.wire();
            b.state = DeliveryState.PENDING.name();
            b.createdAt = now;
            b.eventCount = events.size();
            b.events = text;
            em.persist(b);
        }
        em.flush();
        if (!BulkActivity.busy()) {
            // while a bulk job runs on this node its sender expands nothing: waking it after every chunk would only
            // spend CPU beside the job; the job runner wakes it when the job ends
            onQueued.run();
        }
    }

    /**
     * The staged row's deliveries as BR_WEBHOOK_DELIVERY rows (message ids drawn now, created at the event's time);
     * PENDING, or CANCELLED with "endpoint disabled" when the row was cancelled. Written in the caller's transaction.
     */
    void expand(WebhookBatchEntity b) {
        boolean cancelled = DeliveryState.CANCELLED.name().equals(b.state);
        List<Object[]> rows = new ArrayList<>(b.eventCount);
        int from = 0;
        while (from < b.events.length()) {
            int tab = b.events.indexOf('\t', from);
            int end = b.events.indexOf('\n', tab);
            String userId = tab == from ? null : b.events.substring(from, tab);
            rows.add(new Object[] {messageId(), b.realmId, b.webhookId, b.eventType, userId, b.events.substring(tab + 1, end),
                    (cancelled ? DeliveryState.CANCELLED : DeliveryState.PENDING).name(), b.createdAt, 0, cancelled ? "endpoint disabled" : null});
            from = end + 1;
        }
        em.flush();
        em.unwrap(Session.class).doWork(c -> MultiRowInsert.insert(c, "BR_WEBHOOK_DELIVERY", COLUMNS, rows));
    }

    /** Queues one event for one endpoint, subscribed or not (the test event); returns the delivery id. */
    String queueTo(WebhookEntity endpoint, WebhookEvent type, ObjectNode data) {
        WebhookDeliveryEntity d = new WebhookDeliveryEntity();
        d.id = messageId();
        d.realmId = endpoint.realmId;
        d.webhookId = endpoint.id;
        d.eventType = type.wire();
        d.createdAt = Time.currentTimeMillis();
        d.payload = body(type, d.createdAt, data);
        d.state = DeliveryState.PENDING.name();
        em.persist(d);
        em.flush();
        onQueued.run();
        return d.id;
    }

    /** Tells the sender (after commit) that rows became due other than by queueing (a retry of dead ones). */
    void queued() {
        onQueued.run();
    }

    /** Forgets the cached endpoints of a realm (its endpoints changed in this session). */
    void forget(String realmId) {
        enabledByRealm.remove(realmId);
    }

    /**
     * Whether an enabled endpoint of the realm takes {@code type}: callers that queue many events build them only then
     * (a bulk chunk's event bodies, one per flag, are work for nothing in a realm without webhooks).
     */
    boolean anySubscribed(String realmId, WebhookEvent type) {
        return !subscribed(realmId, type).isEmpty();
    }

    private List<WebhookEntity> subscribed(String realmId, WebhookEvent type) {
        List<WebhookEntity> enabled = enabledByRealm.computeIfAbsent(realmId, r -> em.createNamedQuery("brWebhooksEnabled", WebhookEntity.class)
                .setParameter("realmId", r).getResultList());
        return enabled.stream().filter(w -> Arrays.asList(w.events.split(",")).contains(type.wire())).toList();
    }

    /** The Standard Webhooks message id: {@code msg_} and a random UUID, unique per (event, endpoint). */
    private static String messageId() {
        return "msg_" + KeycloakModelUtils.generateId().replace("-", "");
    }

    static String body(WebhookEvent type, long at, ObjectNode data) {
        ObjectNode body = JsonSerialization.mapper.createObjectNode();
        body.put("type", type.wire());
        body.put("timestamp", Instant.ofEpochMilli(at).toString());
        body.set("data", data);
        return body.toString();
    }

    /** Applies {@code fill} to a fresh data object of the realm and returns it (for one-line call sites). */
    static ObjectNode data(String realmId, Consumer<ObjectNode> fill) {
        ObjectNode d = data(realmId);
        fill.accept(d);
        return d;
    }
}
