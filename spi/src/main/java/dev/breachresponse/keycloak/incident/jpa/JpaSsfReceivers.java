package dev.breachresponse.keycloak.incident.jpa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.SsfReceivers;

/** JPA Shared Signals receivers, replay store and event log; runs in the caller's transaction. */
final class JpaSsfReceivers implements SsfReceivers {

    private final EntityManager em;

    JpaSsfReceivers(EntityManager em) {
        this.em = em;
    }

    @Override
    public Receiver create(RealmModel realm, Settings settings, String clientSecret, String pushTokenHash, Actor actor) {
        long now = Time.currentTimeMillis();
        SsfReceiverEntity r = new SsfReceiverEntity();
        r.id = KeycloakModelUtils.generateId();
        r.realmId = realm.getId();
        apply(r, settings);
        r.clientSecret = clientSecret;
        r.pushTokenHash = pushTokenHash;
        r.createdAt = now;
        r.createdBy = actor.asString();
        r.updatedAt = now;
        em.persist(r);
        em.flush();
        return toReceiver(r);
    }

    @Override
    public List<Receiver> list(RealmModel realm) {
        return em.createNamedQuery("brSsfReceiversOfRealm", SsfReceiverEntity.class).setParameter("realmId", realm.getId())
                .getResultStream().map(JpaSsfReceivers::toReceiver).toList();
    }

    @Override
    public Optional<Receiver> find(RealmModel realm, String id) {
        return entity(realm, id).map(JpaSsfReceivers::toReceiver);
    }

    @Override
    public Optional<Receiver> byId(String id) {
        return Optional.ofNullable(id == null ? null : em.find(SsfReceiverEntity.class, id)).map(JpaSsfReceivers::toReceiver);
    }

    @Override
    public Optional<Receiver> update(RealmModel realm, String id, Settings settings, String clientSecret) {
        return entity(realm, id).map(JpaSsfReceivers.this::locked).map(r -> {
            apply(r, settings);
            if (clientSecret != null) {
                r.clientSecret = clientSecret;
            }
            r.updatedAt = Time.currentTimeMillis();
            em.flush();
            return toReceiver(r);
        });
    }

    @Override
    public boolean delete(RealmModel realm, String id) {
        Optional<SsfReceiverEntity> r = entity(realm, id);
        r.ifPresent(e -> {
            locked(e); // first, as a drain does (its log rows lock the receiver row before it deletes inbox rows)
            em.createNamedQuery("brSsfJtiDeleteOf").setParameter("receiverId", e.id).executeUpdate();
            em.createNamedQuery("brSsfEventDeleteOf").setParameter("receiverId", e.id).executeUpdate();
            em.createNamedQuery("brSsfInboxDeleteOf").setParameter("receiverId", e.id).executeUpdate();
            em.remove(e);
            em.flush();
        });
        return r.isPresent();
    }

    @Override
    public Optional<Receiver> setPushTokenHash(RealmModel realm, String id, String hash) {
        return entity(realm, id).map(JpaSsfReceivers.this::locked).map(r -> {
            r.pushTokenHash = hash;
            r.updatedAt = Time.currentTimeMillis();
            em.flush();
            return toReceiver(r);
        });
    }

    @Override
    public void nextKeysVersion(String id) {
        with(id, r -> r.keysVersion++);
    }

    @Override
    public Optional<String> pushTokenHash(String id) {
        return Optional.ofNullable(em.find(SsfReceiverEntity.class, id)).map(r -> r.pushTokenHash);
    }

    @Override
    public Optional<String> clientSecret(String id) {
        return Optional.ofNullable(em.find(SsfReceiverEntity.class, id)).map(r -> r.clientSecret);
    }

    @Override
    public void stream(String id, String streamId, String pollUrl, String status) {
        with(id, r -> {
            r.streamId = streamId;
            r.pollUrl = pollUrl;
            r.streamStatus = status;
            r.nextPollAt = streamId == null ? null : Time.currentTimeMillis(); // a new stream is polled at the next tick
            if (streamId == null) {
                r.verifiedAt = null;
                r.verifyState = null;
            }
        });
    }

    @Override
    public void verifyRequested(String id, String state) {
        with(id, r -> r.verifyState = state);
    }

    @Override
    public void verified(String id, long at) {
        with(id, r -> {
            r.verifiedAt = at;
            r.verifyState = null;
        });
    }

    @Override
    public void streamStatus(String id, String status) {
        with(id, r -> r.streamStatus = status);
    }

    @Override
    public boolean remember(String receiverId, String key, long expiresAt) {
        if (em.find(SsfJtiEntity.class, key) != null) {
            return false;
        }
        SsfJtiEntity j = new SsfJtiEntity();
        j.id = key;
        j.receiverId = receiverId;
        j.expiresAt = expiresAt;
        em.persist(j);
        em.flush(); // a concurrent twin fails here, on the primary key, and its transaction rolls back
        return true;
    }

    @Override
    public void log(String receiverId, LoggedEvent event) {
        SsfEventEntity e = new SsfEventEntity();
        e.id = event.id() != null ? event.id() : KeycloakModelUtils.generateId();
        e.receiverId = receiverId;
        e.receivedAt = event.receivedAt();
        e.delivery = event.delivery().name();
        e.jti = cut(event.jti(), 255);
        e.eventType = cut(event.eventType(), 255);
        e.subjectFormat = cut(event.subjectFormat(), 32);
        e.userId = event.userId();
        e.outcome = event.outcome().name();
        e.err = cut(event.err(), 32);
        e.detail = cut(event.detail(), 255);
        em.persist(e);
    }

    @Override
    public Long lastEventAt(String receiverId) {
        return em.createNamedQuery("brSsfEventLast", Long.class).setParameter("receiverId", receiverId).getSingleResult();
    }

    @Override
    public List<Count> counts(String receiverId) {
        List<Count> out = new ArrayList<>();
        for (Object[] row : em.createNamedQuery("brSsfEventCounts", Object[].class).setParameter("receiverId", receiverId).getResultList()) {
            out.add(new Count((String) row[0], Outcome.valueOf((String) row[1]), ((Number) row[2]).longValue()));
        }
        return out;
    }

    @Override
    public List<LoggedEvent> events(String receiverId, int first, int max) {
        return em.createNamedQuery("brSsfEventsOf", SsfEventEntity.class).setParameter("receiverId", receiverId)
                .setFirstResult(first).setMaxResults(max).getResultStream()
                .map(e -> new LoggedEvent(e.id, e.receivedAt, Delivery.valueOf(e.delivery), e.jti, e.eventType, e.subjectFormat, e.userId,
                        Outcome.valueOf(e.outcome), e.err, e.detail))
                .toList();
    }

    @Override
    public List<String> dueReceivers(long now, int max) {
        return em.createNamedQuery("brSsfReceiversDue", String.class).setParameter("now", now).setMaxResults(max).getResultList();
    }

    @Override
    public boolean leaseIfDue(String id, String owner, long now, long leaseUntil) {
        return em.createNamedQuery("brSsfReceiverLeaseDue").setParameter("owner", owner).setParameter("until", leaseUntil)
                .setParameter("id", id).setParameter("now", now).executeUpdate() == 1;
    }

    @Override
    public boolean lease(String id, String owner, long now, long leaseUntil) {
        return em.createNamedQuery("brSsfReceiverLease").setParameter("owner", owner).setParameter("until", leaseUntil)
                .setParameter("id", id).setParameter("now", now).executeUpdate() == 1;
    }

    @Override
    public boolean renewLease(String id, String owner, long leaseUntil) {
        return em.createNamedQuery("brSsfReceiverRenew").setParameter("owner", owner).setParameter("until", leaseUntil).setParameter("id", id)
                .executeUpdate() == 1;
    }

    @Override
    public void pollDone(String id, String owner, long at, String error, long nextPollAt) {
        SsfReceiverEntity r = em.find(SsfReceiverEntity.class, id);
        if (r == null || !owner.equals(r.leaseOwner)) {
            return;
        }
        locked(r);
        if (!owner.equals(r.leaseOwner)) {
            return;
        }
        r.lastPollAt = at;
        r.lastError = cut(error, 255);
        r.failures = error == null ? 0 : r.failures + 1;
        r.nextPollAt = nextPollAt;
        r.leaseOwner = null;
        r.leaseUntil = null;
        em.flush();
    }

    @Override
    public void enqueue(String receiverId, long receivedAt, Delivery delivery, String claims) {
        SsfInboxEntity i = new SsfInboxEntity();
        i.id = KeycloakModelUtils.generateId();
        i.receiverId = receiverId;
        i.receivedAt = receivedAt;
        i.delivery = delivery.name();
        i.claims = claims;
        em.persist(i);
    }

    @Override
    public List<Queued> lease(String owner, long now, int max, long leaseUntil, long retryStepMillis) {
        List<String> due = em.createNamedQuery("brSsfInboxDue", String.class).setParameter("now", now).setMaxResults(max).getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        // taken only where still due: of two drainers that read the same rows, the second updates none of them
        int taken = em.createNamedQuery("brSsfInboxLease").setParameter("owner", owner).setParameter("until", leaseUntil)
                .setParameter("step", retryStepMillis).setParameter("ids", due).setParameter("now", now).executeUpdate();
        if (taken == 0) {
            return List.of();
        }
        return em.createNamedQuery("brSsfInboxLeased", SsfInboxEntity.class).setParameter("owner", owner).getResultStream()
                .map(i -> new Queued(i.id, i.receiverId, i.receivedAt, Delivery.valueOf(i.delivery), i.claims, i.attempts)).toList();
    }

    @Override
    public List<String> holdLeased(List<String> ids, String owner) {
        return ids.isEmpty() ? List.of() : em.createNamedQuery("brSsfInboxHeld", SsfInboxEntity.class).setParameter("ids", ids)
                .setParameter("owner", owner).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultStream().map(i -> i.id).toList();
    }

    @Override
    public int applied(List<String> ids, String owner) {
        return ids.isEmpty() ? 0 : em.createNamedQuery("brSsfInboxDone").setParameter("ids", ids).setParameter("owner", owner).executeUpdate();
    }

    @Override
    public void batchWrites() {
        em.unwrap(org.hibernate.Session.class).setJdbcBatchSize(100);
    }

    @Override
    public <T> T readOnly(java.util.function.Supplier<T> lookups) {
        jakarta.persistence.FlushModeType before = em.getFlushMode();
        em.setFlushMode(jakarta.persistence.FlushModeType.COMMIT);
        try {
            return lookups.get();
        } finally {
            em.setFlushMode(before);
        }
    }

    @Override
    public Pending pending(String receiverId) {
        Object[] row = em.createNamedQuery("brSsfInboxPending", Object[].class).setParameter("receiverId", receiverId).getSingleResult();
        return new Pending(((Number) row[0]).longValue(), row[1] == null ? null : ((Number) row[1]).longValue(),
                row[2] == null ? 0 : ((Number) row[2]).intValue());
    }

    @Override
    public int purge(long now, long logBefore) {
        return em.createNamedQuery("brSsfJtiPurge").setParameter("now", now).executeUpdate()
                + em.createNamedQuery("brSsfEventPurge").setParameter("before", logBefore).executeUpdate();
    }

    private Optional<SsfReceiverEntity> entity(RealmModel realm, String id) {
        if (id == null) {
            return Optional.empty();
        }
        SsfReceiverEntity r = em.find(SsfReceiverEntity.class, id);
        return r != null && r.realmId.equals(realm.getId()) ? Optional.of(r) : Optional.empty();
    }

    private void with(String id, Consumer<SsfReceiverEntity> change) {
        SsfReceiverEntity r = em.find(SsfReceiverEntity.class, id);
        if (r != null) {
            change.accept(locked(r));
            em.flush();
        }
    }

    /**
     * The row read again and locked (SELECT … FOR UPDATE) before a change: the flush writes every column, so a copy read
     * earlier in the transaction would put back what another writer changed meanwhile (the poll lease, the verification
     * the inbox drain records).
     */
    private SsfReceiverEntity locked(SsfReceiverEntity r) {
        em.refresh(r, LockModeType.PESSIMISTIC_WRITE);
        return r;
    }

    private static void apply(SsfReceiverEntity r, Settings s) {
        r.alias = s.alias();
        r.enabled = s.enabled();
        r.delivery = s.delivery().name();
        try {
            r.settings = JsonSerialization.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Receiver toReceiver(SsfReceiverEntity r) {
        Settings s;
        try {
            s = JsonSerialization.readValue(r.settings, Settings.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Stored settings of SSF receiver " + r.id + " could not be read", e);
        }
        return new Receiver(r.id, r.realmId, s, r.clientSecret != null, r.pushTokenHash != null, r.streamId, r.pollUrl, r.streamStatus,
                r.verifyState, r.verifiedAt, r.lastPollAt, r.lastError, r.failures, r.nextPollAt, r.createdAt, r.createdBy,
                r.updatedAt, r.keysVersion);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
