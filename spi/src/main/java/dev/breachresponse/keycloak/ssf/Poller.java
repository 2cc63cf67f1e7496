package dev.breachresponse.keycloak.ssf;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.incident.SsfReceivers.Outcome;

/**
 * One poll cycle of a receiver this node holds the lease of (RFC 8936 §2.4): rounds of "acknowledge what the last
 * round accepted, report the SETs it refused, ask for up to {@code maxEvents} more", each SET verified and accepted
 * into the inbox ({@link SsfIntake}; {@link InboxDrain} applies it), the round in one transaction (one SET per
 * transaction when that fails), and acknowledged only after that committed, until a round brings nothing (at most
 * {@value #MAX_ROUNDS} rounds, the lease renewed before each, then the acknowledgements go out alone and the next cycle
 * is due at the next tick: a backlog drains one bounded round after another, never held in memory). The HTTP calls run
 * with no transaction open. A SET that could not be processed (the database, the transmitter's keys) is neither
 * acknowledged nor refused, so the transmitter delivers it again, and the cycle ends there as failed: the next one
 * waits (doubling per failure in a row, at most {@value #MAX_BACKOFF_SECONDS} s or the interval if longer, ±20 %), so a
 * SET that keeps failing cannot keep the poll spinning. A receiver disabled meanwhile stops the cycle.
 */
final class Poller {

    private static final Logger LOG = Logger.getLogger(Poller.class);

    static final int MAX_ROUNDS = 100;
    static final long MAX_BACKOFF_SECONDS = 900;

    /** The most a poll answer may hold (bytes), whatever {@code maxEvents} says. */
    static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

    /** What a cycle did: SETs received and their outcomes, and the error that ended it (null: none). */
    record Cycle(int received, Map<Outcome, Integer> outcomes, String error) {
    }

    /** The end of a cycle: its error (null: none) and whether the last round still brought SETs. */
    private record Ended(String error, boolean more) {
    }

    private record Loaded(SsfReceivers.Receiver receiver, String secret, String realmName) {
    }

    private Poller() {
    }

    /** @param owner this cycle's lease token (the node and a random part: two cycles never share one) */
    static Cycle run(KeycloakSessionFactory factory, SsfServiceFactory service, String receiverId, String owner) {
        Map<Outcome, Integer> outcomes = new LinkedHashMap<>();
        int[] received = {0};
        String error = null;
        boolean more = false;
        SsfReceivers.Receiver receiver = null;
        try {
            Loaded loaded = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                SsfReceivers store = s.getProvider(IncidentStore.class).ssf();
                return store.byId(receiverId).map(r -> {
                    RealmModel realm = s.realms().getRealm(r.realmId());
                    String secret = r.settings().clientId() == null ? null
                            : SsfServiceFactory.secret(s, r.realmId(), store.clientSecret(receiverId).orElse(null));
                    return new Loaded(r, secret, realm == null ? null : realm.getName());
                }).orElse(null);
            });
            if (loaded == null || loaded.realmName() == null) {
                return new Cycle(0, outcomes, "receiver gone");
            }
            receiver = loaded.receiver();
            SsfReceivers.Settings st = receiver.settings();
            if (receiver.pollUrl() == null) {
                throw new Outbound.Failed(0, "no stream yet: create it first (POST …/stream)");
            }
            Function<Transmitter, String> newToken = t -> t.token(st, loaded.secret());
            String[] token = {outside(factory, service, st, newToken)};
            List<String> ack = new ArrayList<>();
            Map<String, ObjectNode> errors = new LinkedHashMap<>();
            int maxBytes = (int) Math.min(MAX_ANSWER_BYTES, (long) st.maxEvents() * (SetVerifier.MAX_TOKEN + 512) + 4096);
            for (int round = 0; round < MAX_ROUNDS; round++) {
                if (round > 0 && !renew(factory, receiverId, owner)) {
                    break; // the lease is another cycle's now (this one stalled): it goes on from what was acknowledged
                }
                JsonNode answer = poll(factory, service, loaded, token, newToken, st.maxEvents(), ack, errors, maxBytes);
                ack.clear();
                errors.clear();
                JsonNode sets = answer.get("sets");
                if (sets == null || !sets.isObject() || sets.isEmpty()) {
                    more = false;
                    break;
                }
                more = true;
                String failed = receiveAll(factory, service, loaded, sets, received, outcomes, ack, errors);
                if (failed != null) {
                    error = failed;
                    break;
                }
            }
            if (!ack.isEmpty() || !errors.isEmpty()) {
                poll(factory, service, loaded, token, newToken, 0, ack, errors, maxBytes);
            }
        } catch (Outbound.Failed | IllegalStateException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            error = "poll failed: " + e.getClass().getSimpleName();
            LOG.warnf(e, "breach-response: an SSF poll cycle failed");
        }
        finish(factory, receiverId, owner, receiver, new Ended(error, more && error == null));
        return new Cycle(received[0], outcomes, error);
    }

    /**
     * Verifies and accepts the round's SETs into the inbox in one transaction (one commit for the round), filling
     * {@code ack} and {@code errors}; when that transaction fails (a twin SET accepted meanwhile by another node, the
     * database), each SET again in a transaction of its own. Returns why the cycle must stop (a SET that could not be
     * processed, the receiver disabled), or null.
     */
    private static String receiveAll(KeycloakSessionFactory factory, SsfServiceFactory service, Loaded loaded, JsonNode sets, int[] received,
                                     Map<Outcome, Integer> outcomes, List<String> ack, Map<String, ObjectNode> errors) {
        SsfReceivers.Receiver receiver = loaded.receiver();
        List<String> jtis = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            jtis.add(e.getKey());
            tokens.add(e.getValue().isTextual() ? e.getValue().asText() : null);
        }
        List<SsfIntake.Received> results;
        try {
            results = inTransaction(factory, service, receiver, tokens);
        } catch (TransmitterKeys.KeysUnavailable ex) {
            return "the transmitter's JWKS could not be fetched";
        } catch (RuntimeException ex) {
            LOG.debugf("breach-response: a round of %d polled SETs could not be accepted together (%s); one by one", tokens.size(), ex);
            results = new ArrayList<>();
            for (String token : tokens) {
                try {
                    List<SsfIntake.Received> one = inTransaction(factory, service, receiver, java.util.Collections.singletonList(token));
                    if (one == null) {
                        break;
                    }
                    results.add(one.get(0));
                } catch (TransmitterKeys.KeysUnavailable again) {
                    break;
                } catch (RuntimeException again) {
                    LOG.warnf(again, "breach-response: SSF receiver %s of realm %s could not process a polled SET (it will come again)",
                            receiver.settings().alias(), loaded.realmName());
                    break;
                }
            }
            if (results.size() < tokens.size()) {
                tally(jtis, results, received, outcomes, ack, errors);
                return "a polled SET could not be processed; it will come again";
            }
        }
        if (results == null) {
            return "the receiver was disabled or removed during the poll";
        }
        tally(jtis, results, received, outcomes, ack, errors);
        return null;
    }

    /** Receives SETs in one transaction; null when the receiver is gone or disabled. */
    private static List<SsfIntake.Received> inTransaction(KeycloakSessionFactory factory, SsfServiceFactory service, SsfReceivers.Receiver receiver,
                                                         List<String> tokens) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel realm = s.realms().getRealm(receiver.realmId());
            s.getContext().setRealm(realm);
            SsfReceivers.Receiver fresh = s.getProvider(IncidentStore.class).ssf().byId(receiver.id()).orElse(null);
            if (realm == null || fresh == null || !fresh.settings().enabled()) {
                return null;
            }
            List<SsfIntake.Received> out = new ArrayList<>(tokens.size());
            for (String token : tokens) {
                out.add(SsfIntake.receive(s, realm, fresh, token, SsfReceivers.Delivery.POLL, service));
            }
            return out;
        });
    }

    /** The first {@code results.size()} SETs of the round: refused ones go back as errors, the others are acknowledged. */
    private static void tally(List<String> jtis, List<SsfIntake.Received> results, int[] received, Map<Outcome, Integer> outcomes, List<String> ack,
                              Map<String, ObjectNode> errors) {
        for (int i = 0; i < results.size(); i++) {
            SsfIntake.Received r = results.get(i);
            received[0]++;
            outcomes.merge(r.outcome(), 1, Integer::sum);
            if (r.outcome() == Outcome.REFUSED) {
                errors.put(jtis.get(i), Outbound.JSON.createObjectNode().put("err", r.err()).put("description", r.description()));
            } else {
                ack.add(jtis.get(i));
            }
        }
    }

    /** One poll request, with no transaction open; a 401 (the token ran out during a long cycle) gets one new token. */
    private static JsonNode poll(KeycloakSessionFactory factory, SsfServiceFactory service, Loaded loaded, String[] token,
                                 Function<Transmitter, String> newToken, int maxEvents, List<String> ack, Map<String, ObjectNode> errors,
                                 int maxBytes) {
        SsfReceivers.Settings st = loaded.receiver().settings();
        List<String> a = List.copyOf(ack);
        Map<String, ObjectNode> e = new LinkedHashMap<>(errors);
        try {
            return outside(factory, service, st, t -> t.poll(loaded.receiver().pollUrl(), token[0], maxEvents, a, e, maxBytes));
        } catch (Outbound.Failed f) {
            if (f.status() != 401) {
                throw f;
            }
            token[0] = outside(factory, service, st, newToken);
            return outside(factory, service, st, t -> t.poll(loaded.receiver().pollUrl(), token[0], maxEvents, a, e, maxBytes));
        }
    }

    /** A call to the transmitter in a session of its own with no transaction begun (HTTP holds no database connection). */
    private static <T> T outside(KeycloakSessionFactory factory, SsfServiceFactory service, SsfReceivers.Settings st, Function<Transmitter, T> call) {
        try (KeycloakSession s = factory.create()) {
            return call.apply(new Transmitter(service.outbound(s), st.allowHttp(), st.issuer()));
        }
    }

    private static boolean renew(KeycloakSessionFactory factory, String receiverId, String owner) {
        long until = Time.currentTimeMillis() + SsfServiceFactory.LEASE_MILLIS;
        return KeycloakModelUtils.runJobInTransactionWithResult(factory,
                s -> s.getProvider(IncidentStore.class).ssf().renewLease(receiverId, owner, until));
    }

    private static void finish(KeycloakSessionFactory factory, String receiverId, String owner, SsfReceivers.Receiver receiver, Ended ended) {
        long now = Time.currentTimeMillis();
        int interval = receiver == null ? 60 : receiver.settings().pollIntervalSeconds();
        long next;
        String error = ended.error();
        if (error == null) {
            // a backlog (the last round still brought SETs) goes on at the next tick; else after the interval
            next = ended.more() ? now : now + interval * 1000L;
        } else {
            int failures = receiver == null ? 1 : receiver.failures() + 1;
            long wait = Math.min(Math.max(interval, MAX_BACKOFF_SECONDS), interval * (1L << Math.min(failures, 10)));
            long jitter = (long) (wait * 1000 * (ThreadLocalRandom.current().nextDouble(0.4) - 0.2));
            next = now + wait * 1000L + jitter;
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> s.getProvider(IncidentStore.class).ssf().pollDone(receiverId, owner, now, error, next));
        } catch (RuntimeException e) {
            LOG.warnf("breach-response: the result of an SSF poll could not be stored (the lease runs out): %s", e.getMessage());
        }
    }
}
