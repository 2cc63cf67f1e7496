package dev.breachresponse.keycloak.ssf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.incident.SsfReceivers.LoggedEvent;
import dev.breachresponse.keycloak.incident.SsfReceivers.Queued;
import dev.breachresponse.keycloak.metrics.BreachMetrics;

/**
 * Applies the SETs the receivers accepted (the inbox, table {@code BR_SSF_INBOX}): one drainer per node, woken after
 * each accepting commit and by the poll schedule's tick (which also picks up what a stopped node leased). A drain
 * leases up to {@value #BATCH} due rows (any receiver; a lease holds {@value #LEASE_MILLIS} ms, so a node that stops
 * mid-batch leaves them to the next drain), then applies them in one transaction: per receiver in arrival order
 * ({@link EventActions#applyAll}: flagging events as set-based batches), a log row and a count per SET, and the rows
 * locked first and only those this drain still holds applied and deleted (a lease that ran out may be another
 * drainer's). Only rows of enabled receivers are due: a disabled receiver's accepted SETs wait. When the batch fails,
 * each SET is applied in a transaction of its own; one that fails again stays in the inbox and is retried after its
 * lease plus {@value #RETRY_STEP_MILLIS} ms per earlier attempt; after {@value #MAX_ATTEMPTS} attempts it is logged
 * FAILED and taken out.
 */
final class InboxDrain {

    private static final Logger LOG = Logger.getLogger(InboxDrain.class);

    static final int BATCH = 200;
    static final long LEASE_MILLIS = 60_000;
    static final long RETRY_STEP_MILLIS = 60_000;
    /** Attempts after which a SET that cannot be applied is logged FAILED and taken out (about an hour of retries). */
    static final int MAX_ATTEMPTS = 10;

    private final KeycloakSessionFactory factory;
    private final SsfServiceFactory service;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private volatile boolean closed;

    InboxDrain(KeycloakSessionFactory factory, SsfServiceFactory service) {
        this.factory = factory;
        this.service = service;
    }

    /** Asks for a drain: starts one on Keycloak's executor unless one is running (which then goes round once more). */
    void kick() {
        wanted.set(true);
        if (!closed && running.compareAndSet(false, true)) {
            try (KeycloakSession s = factory.create()) {
                s.getProvider(ExecutorsProvider.class).getExecutor(SsfServiceFactory.EXECUTOR).execute(this::loop);
            } catch (RuntimeException e) {
                running.set(false);
                LOG.warnf("breach-response: the SSF inbox drain could not be started (the next tick tries again): %s", e.getMessage());
            }
        }
    }

    void close() {
        closed = true;
    }

    private void loop() {
        do {
            try {
                while (!closed && wanted.getAndSet(false)) {
                    while (!closed && drainOnce() > 0) {
                        // until nothing is due
                    }
                }
            } catch (RuntimeException e) { // NOPMD: the rows stay leased and come back when the lease runs out
                LOG.warnf(e, "breach-response: the SSF inbox drain stopped; its SETs are applied later");
            } finally {
                running.set(false);
            }
        } while (!closed && wanted.get() && running.compareAndSet(false, true));
    }

    /** One batch: lease, apply, delete. Returns how many rows it leased (0: nothing due). */
    int drainOnce() {
        String owner = service.leaseToken();
        long now = Time.currentTimeMillis();
        List<Queued> rows = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                s -> store(s).lease(owner, now, BATCH, now + LEASE_MILLIS, RETRY_STEP_MILLIS));
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> apply(s, rows, owner));
        } catch (LeaseLost e) {
            LOG.debugf("breach-response: another drainer took over SSF inbox rows of this batch");
        } catch (RuntimeException e) {
            if (rows.size() > 1) {
                LOG.debugf("breach-response: a batch of %d SSF inbox rows failed (%s); applying them one by one", rows.size(), e);
            }
            for (Queued q : rows) {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, s -> apply(s, List.of(q), owner));
                } catch (LeaseLost lost) {
                    // another drainer has it
                } catch (RuntimeException again) {
                    if (q.attempts() < MAX_ATTEMPTS) {
                        LOG.warnf(again, "breach-response: a SET accepted by SSF receiver %s could not be applied (attempt %d of %d); it stays in"
                                + " the inbox and is tried again later", q.receiverId(), q.attempts(), MAX_ATTEMPTS);
                    } else {
                        giveUp(q, owner, again);
                    }
                }
            }
        }
        return rows.size();
    }

    /** The last attempt failed too: a FAILED log row, a count, the row out of the inbox (each attempt's error is in the server log). */
    private void giveUp(Queued q, String owner, RuntimeException last) {
        LOG.errorf(last, "breach-response: a SET accepted by SSF receiver %s could not be applied in %d attempts; it is logged FAILED and"
                + " taken out of the inbox", q.receiverId(), q.attempts());
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                SsfReceivers store = store(s);
                if (store.holdLeased(List.of(q.id()), owner).isEmpty()) {
                    return;
                }
                logged(s, q, VerifiedSet.fromClaims(q.claims()), new EventActions.Result(SsfReceivers.Outcome.FAILED, null,
                        "not applied after " + q.attempts() + " attempts (" + last.getClass().getSimpleName() + ")"));
                store.applied(List.of(q.id()), owner);
            });
        } catch (RuntimeException e) {
            LOG.warnf("breach-response: the failed SET could not be logged either (it stays in the inbox): %s", e.getMessage());
        }
    }

    /**
     * Applies leased rows in the session's transaction and deletes them. The rows are locked first, and only those this
     * drain still holds are applied (a lease that ran out may be another drainer's now).
     */
    private static void apply(KeycloakSession s, List<Queued> leased, String owner) {
        SsfReceivers store = store(s);
        store.batchWrites();
        java.util.Set<String> held = new java.util.HashSet<>(store.holdLeased(leased.stream().map(Queued::id).toList(), owner));
        List<Queued> rows = leased.stream().filter(q -> held.contains(q.id())).toList();
        Map<String, List<Queued>> byReceiver = new LinkedHashMap<>();
        rows.forEach(q -> byReceiver.computeIfAbsent(q.receiverId(), k -> new ArrayList<>()).add(q));
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, List<Queued>> e : byReceiver.entrySet()) {
            SsfReceivers.Receiver receiver = store.byId(e.getKey()).orElse(null);
            RealmModel realm = receiver == null ? null : s.realms().getRealm(receiver.realmId());
            if (realm == null) {
                continue; // the receiver (or its realm) was removed, and its inbox with it
            }
            s.getContext().setRealm(realm);
            List<VerifiedSet> sets = e.getValue().stream().map(q -> VerifiedSet.fromClaims(q.claims())).toList();
            List<EventActions.Result> results = new EventActions(s, realm, receiver).applyAll(sets);
            for (int i = 0; i < sets.size(); i++) {
                Queued q = e.getValue().get(i);
                logged(s, q, sets.get(i), results.get(i));
                done.add(q.id());
            }
        }
        if (store.applied(done, owner) != done.size()) {
            throw new LeaseLost(); // cannot happen while the rows are locked; should it, nothing of this batch is kept
        }
    }

    /** What an inbox row came to: its log row (arrival time and delivery of the row) and its count once committed. */
    private static void logged(KeycloakSession s, Queued q, VerifiedSet set, EventActions.Result r) {
        store(s).log(q.receiverId(), new LoggedEvent(null, q.receivedAt(), q.delivery(), set.jti(), set.eventType(), set.subjectFormat(),
                r.userId(), r.outcome(), null, r.detail()));
        BreachMetrics.ssfEventAfterCommit(s, SsfEventTypes.label(set.eventType()), r.outcome().name());
    }

    private static SsfReceivers store(KeycloakSession s) {
        return s.getProvider(IncidentStore.class).ssf();
    }

    /** Some leased rows are another drainer's now: this transaction must not commit what it applied. */
    private static final class LeaseLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLost() {
            super("inbox lease lost", null, false, false);
        }
    }
}
