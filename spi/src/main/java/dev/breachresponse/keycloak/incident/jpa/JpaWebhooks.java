package dev.breachresponse.keycloak.incident.jpa;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.DeliveryState;
import dev.breachresponse.keycloak.incident.WebhookEvent;
import dev.breachresponse.keycloak.incident.Webhooks;

/** JPA webhook endpoints and delivery outbox; runs in the caller's transaction. */
final class JpaWebhooks implements Webhooks {

    private final EntityManager em;
    private final WebhookQueue queue;

    JpaWebhooks(EntityManager em, WebhookQueue queue) {
        this.em = em;
        this.queue = queue;
    }

    @Override
    public Endpoint create(RealmModel realm, Settings settings, String secret, Actor actor) {
        long now = Time.currentTimeMillis();
        WebhookEntity w = new WebhookEntity();
        w.id = KeycloakModelUtils.generateId();
        w.realmId = realm.getId();
        apply(w, settings);
        w.secret = secret;
        w.createdAt = now;
        w.createdBy = actor.asString();
        w.updatedAt = now;
        em.persist(w);
        em.flush();
        queue.forget(realm.getId());
        return toEndpoint(w);
    }

    @Override
    public List<Endpoint> list(RealmModel realm) {
        return em.createNamedQuery("brWebhooksOfRealm", WebhookEntity.class).setParameter("realmId", realm.getId()).getResultStream()
                .map(JpaWebhooks::toEndpoint).toList();
    }

    @Override
    public Optional<Endpoint> find(RealmModel realm, String id) {
        return entity(realm, id).map(JpaWebhooks::toEndpoint);
    }

    @Override
    public Optional<Endpoint> update(RealmModel realm, String id, Settings settings) {
        return entity(realm, id).map(w -> {
            apply(w, settings);
            w.updatedAt = Time.currentTimeMillis();
            if (!w.enabled) {
                em.flush();
                // the endpoint's row is locked by the flush above (a sender takes it before a staged row: one lock
                // order); staged rows next, then the delivery rows, which then include any a sender expanded meanwhile
                em.createNamedQuery("brWebhookBatchCancel").setParameter("webhookId", w.id).executeUpdate();
                em.createNamedQuery("brWebhookCancelOpen").setParameter("webhookId", w.id).setParameter("why", "endpoint disabled")
                        .executeUpdate();
            }
            em.flush();
            queue.forget(realm.getId());
            return toEndpoint(w);
        });
    }

    @Override
    public boolean delete(RealmModel realm, String id) {
        Optional<WebhookEntity> w = entity(realm, id);
        w.ifPresent(e -> {
            // the endpoint's row first, as the sender takes it before a staged row (one lock order)
            em.lock(e, LockModeType.PESSIMISTIC_WRITE);
            em.createNamedQuery("brWebhookBatchDeleteOf").setParameter("webhookId", e.id).executeUpdate();
            em.createNamedQuery("brWebhookDeleteOf").setParameter("webhookId", e.id).executeUpdate();
            em.remove(e);
            em.flush();
            queue.forget(realm.getId());
        });
        return w.isPresent();
    }

    @Override
    public Optional<Endpoint> rotate(RealmModel realm, String id, String secret, long previousUntil) {
        return entity(realm, id).map(w -> {
            w.previousSecret = w.secret;
            w.previousSecretUntil = previousUntil;
            w.secret = secret;
            w.updatedAt = Time.currentTimeMillis();
            em.flush();
            return toEndpoint(w);
        });
    }

    @Override
    public void signal(RealmModel realm, WebhookEvent type, String userId, Map<String, Object> data) {
        ObjectNode d = WebhookQueue.data(realm.getId());
        data.forEach((k, v) -> d.set(k, JsonSerialization.mapper.valueToTree(v)));
        queue.queue(realm.getId(), type, userId, d);
    }

    @Override
    public String queueTest(Endpoint endpoint) {
        WebhookEntity w = em.find(WebhookEntity.class, endpoint.id());
        return queue.queueTo(w, WebhookEvent.WEBHOOK_TEST, WebhookQueue.data(w.realmId, d -> d.put("webhookId", w.id)));
    }

    @Override
    public int retryDead(String webhookId) {
        // a parked staged row counts its events: the answer says how many deliveries will be tried again
        Number parked = em.createQuery("select sum(b.eventCount) from WebhookBatchEntity b where b.webhookId = :webhookId and b.state = 'DEAD'",
                Number.class).setParameter("webhookId", webhookId).getSingleResult();
        int n = em.createNamedQuery("brWebhookRetryDead").setParameter("webhookId", webhookId).executeUpdate();
        if (em.createNamedQuery("brWebhookBatchRetryDead").setParameter("webhookId", webhookId).executeUpdate() > 0 && parked != null) {
            n += parked.intValue();
        }
        if (n > 0) {
            queue.queued();
        }
        return n;
    }

    @Override
    public List<Delivery> claim(String owner, long now, long leaseUntil, int max) {
        // a plain read, then a conditional update by primary key: no range or gap lock that a flag write could wait on
        List<String> ids = em.createNamedQuery("brWebhookDue", String.class).setParameter("now", now).setMaxResults(max).getResultList();
        if (ids.isEmpty()) {
            return List.of();
        }
        em.createNamedQuery("brWebhookClaim").setParameter("owner", owner).setParameter("until", leaseUntil).setParameter("now", now)
                .setParameter("ids", ids).executeUpdate();
        return em.createNamedQuery("brWebhookClaimed", WebhookDeliveryEntity.class).setParameter("ids", ids).setParameter("owner", owner)
                .setParameter("until", leaseUntil).getResultStream()
                .sorted(java.util.Comparator.comparingLong((WebhookDeliveryEntity d) -> d.createdAt).thenComparing(d -> d.id))
                .map(d -> new Delivery(d.id, d.realmId, d.webhookId, WebhookEvent.ofWire(d.eventType).orElse(null), d.userId, d.payload,
                        d.attempts))
                .toList();
    }

    @Override
    public Optional<String> oldestStaged() {
        return em.createNamedQuery("brWebhookBatchOldest", String.class).setMaxResults(1).getResultStream().findFirst();
    }

    @Override
    public boolean expandStaged(String id) {
        // the endpoint's row first (shared), as an admin changing or removing the endpoint takes it first (exclusive):
        // one lock order on every database (InnoDB also locks the index entries an admin's statement walks); then the
        // staged row, locked and read afresh: another sender that took it meanwhile left nothing, an admin's disable
        // left it CANCELLED
        List<String> webhookId = em.createQuery("select b.webhookId from WebhookBatchEntity b where b.id = :id", String.class)
                .setParameter("id", id).getResultList();
        if (webhookId.isEmpty()) {
            return false;
        }
        em.find(WebhookEntity.class, webhookId.get(0), LockModeType.PESSIMISTIC_READ);
        // not loaded before this point, so this reads the row under its lock (null once another sender deleted it)
        WebhookBatchEntity b = em.find(WebhookBatchEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (b == null || DeliveryState.DEAD.name().equals(b.state)) {
            return false;
        }
        em.remove(b);
        queue.expand(b);
        return true;
    }

    @Override
    public long parkStaged(String id) {
        WebhookBatchEntity b = em.find(WebhookBatchEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (b == null) {
            return 0;
        }
        if (DeliveryState.CANCELLED.name().equals(b.state)) {
            // cancelled events are never sent: dropping the row loses nothing that a retry could send
            em.remove(b);
            return 0;
        }
        if (!DeliveryState.PENDING.name().equals(b.state)) {
            return 0;
        }
        b.state = DeliveryState.DEAD.name();
        return b.eventCount;
    }

    @Override
    public Optional<Endpoint> endpoint(String webhookId) {
        return Optional.ofNullable(em.find(WebhookEntity.class, webhookId)).map(JpaWebhooks::toEndpoint);
    }

    @Override
    public Optional<Secrets> secrets(String webhookId) {
        return Optional.ofNullable(em.find(WebhookEntity.class, webhookId))
                .map(w -> new Secrets(w.secret, w.previousSecret, w.previousSecretUntil));
    }

    @Override
    public boolean delivered(String owner, String id, int status, long at) {
        WebhookDeliveryEntity d = claimedBy(owner, id);
        if (d == null) {
            return false;
        }
        d.state = DeliveryState.DELIVERED.name();
        d.attempts++;
        d.sentAt = at;
        d.nextAttemptAt = null;
        d.lastStatus = status;
        d.lastError = null;
        released(d);
        return true;
    }

    @Override
    public boolean failed(String owner, String id, Integer status, String error, Long retryAt) {
        WebhookDeliveryEntity d = claimedBy(owner, id);
        if (d == null) {
            return false;
        }
        d.state = (retryAt == null ? DeliveryState.DEAD : DeliveryState.FAILED).name();
        d.attempts++;
        d.nextAttemptAt = retryAt;
        d.lastStatus = status;
        d.lastError = error == null ? null : error.substring(0, Math.min(255, error.length()));
        released(d);
        return true;
    }

    @Override
    public boolean cancelled(String owner, String id, String why) {
        WebhookDeliveryEntity d = claimedBy(owner, id);
        if (d == null) {
            return false;
        }
        d.state = DeliveryState.CANCELLED.name();
        d.nextAttemptAt = null;
        d.lastError = why;
        released(d);
        return true;
    }

    @Override
    public boolean release(String owner, String id) {
        WebhookDeliveryEntity d = claimedBy(owner, id);
        if (d == null) {
            return false;
        }
        d.state = d.attempts > 0 ? DeliveryState.FAILED.name() : DeliveryState.PENDING.name();
        d.nextAttemptAt = d.attempts > 0 ? Time.currentTimeMillis() : null;
        released(d);
        return true;
    }

    /** The row, locked, when it is still SENDING for {@code owner}; else null. */
    private WebhookDeliveryEntity claimedBy(String owner, String id) {
        WebhookDeliveryEntity d = em.find(WebhookDeliveryEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        return d != null && DeliveryState.SENDING.name().equals(d.state) && owner.equals(d.leaseOwner) ? d : null;
    }

    private static void released(WebhookDeliveryEntity d) {
        d.leaseOwner = null;
        d.leaseUntil = null;
    }

    @Override
    public int purge(long before) {
        return em.createNamedQuery("brWebhookPurge").setParameter("before", before).executeUpdate();
    }

    @Override
    public Map<DeliveryState, Long> counts(String webhookId) {
        Map<DeliveryState, Long> out = new EnumMap<>(DeliveryState.class);
        for (DeliveryState s : DeliveryState.values()) {
            out.put(s, 0L);
        }
        for (Object[] row : em.createNamedQuery("brWebhookCounts", Object[].class).setParameter("webhookId", webhookId).getResultList()) {
            out.put(DeliveryState.valueOf((String) row[0]), ((Number) row[1]).longValue());
        }
        // staged events (a bulk job's, not yet expanded) count as what they will be written as
        for (Object[] row : em.createNamedQuery("brWebhookBatchCounts", Object[].class).setParameter("webhookId", webhookId).getResultList()) {
            out.merge(DeliveryState.valueOf((String) row[0]), ((Number) row[1]).longValue(), Long::sum);
        }
        return out;
    }

    @Override
    public List<LogEntry> log(String webhookId, DeliveryState state, int first, int max) {
        var q = state == null
                ? em.createNamedQuery("brWebhookLog", WebhookDeliveryEntity.class)
                : em.createNamedQuery("brWebhookLogByState", WebhookDeliveryEntity.class).setParameter("state", state.name());
        return q.setParameter("webhookId", webhookId).setFirstResult(first).setMaxResults(max).getResultStream()
                .map(d -> new LogEntry(d.id, WebhookEvent.ofWire(d.eventType).orElse(null), d.userId, DeliveryState.valueOf(d.state),
                        d.createdAt, d.sentAt, d.attempts, d.nextAttemptAt, d.lastStatus, d.lastError))
                .toList();
    }

    private Optional<WebhookEntity> entity(RealmModel realm, String id) {
        if (id == null || id.length() > 36) {
            return Optional.empty();
        }
        WebhookEntity w = em.find(WebhookEntity.class, id);
        return w == null || !w.realmId.equals(realm.getId()) ? Optional.empty() : Optional.of(w);
    }

    private static void apply(WebhookEntity w, Settings s) {
        w.url = s.url();
        w.events = s.events().stream().map(WebhookEvent::wire).sorted().collect(Collectors.joining(","));
        w.enabled = s.enabled();
        w.allowHttp = s.allowHttp();
        w.includeEmail = s.includeEmail();
        w.description = s.description();
    }

    private static Endpoint toEndpoint(WebhookEntity w) {
        Set<WebhookEvent> events = EnumSet.noneOf(WebhookEvent.class);
        Arrays.stream(w.events.split(",")).map(WebhookEvent::ofWire).flatMap(Optional::stream).forEach(events::add);
        return new Endpoint(w.id, w.realmId, w.url, events, w.enabled, w.allowHttp, w.includeEmail, w.description, w.createdAt,
                w.createdBy, w.updatedAt, w.previousSecretUntil);
    }
}
