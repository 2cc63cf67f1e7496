package dev.breachresponse.keycloak.ssf;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
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
 * round applied, report the SETs it refused, ask for up to {@code maxEvents} more", each SET verified and applied in a
 * transaction of its own and acknowledged only after that committed, until a round brings nothing (at most
 * {@value #MAX_ROUNDS} rounds, the lease renewed before each, then the acknowledgements go out alone and the next cycle
 * is due at the next tick: a backlog drains one bounded round after another, never held in memory). No transaction is open during HTTP. A SET
 * that could not be processed (the database failed) is neither acknowledged nor refused: the transmitter delivers
 * it again. The lease ends with the result: on failure the next poll waits longer (doubling, at most
 * {@value #MAX_BACKOFF_SECONDS} s, ±20 %).
 */
final class Poller {

    private static final Logger LOG = Logger.getLogger(Poller.class);

    static final int MAX_ROUNDS = 100;
    static final long MAX_BACKOFF_SECONDS = 900;

    /** What a cycle did: SETs received and their outcomes, and the error that ended it (null: none). */
    record Cycle(int received, Map<Outcome, Integer> outcomes, String error) {
    }

    /** Whether the last cycle of a receiver stopped with SETs left (then the next one is due at once). */
    private record Ended(String error, boolean more) {
    }

    private Poller() {
    }

    static Cycle run(KeycloakSessionFactory factory, SsfServiceFactory service, String receiverId, String owner) {
        Map<Outcome, Integer> outcomes = new LinkedHashMap<>();
        int received = 0;
        String error = null;
        boolean more = false;
        SsfReceivers.Receiver receiver = null;
        try {
            Loaded loaded = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                SsfReceivers store = s.getProvider(IncidentStore.class).ssf();
                return store.byId(receiverId).map(r -> {
                    RealmModel realm = s.realms().getRealm(r.realmId());
                    return new Loaded(r, store.clientSecret(receiverId).orElse(null), realm == null ? null : realm.getName());
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
            String realmName = loaded.realmName();
            String secret = loaded.secret();
            String token = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                Transmitter t = new Transmitter(service.outbound(s), st.allowHttp());
                String tokenUrl = st.tokenUrl() != null ? st.tokenUrl() : t.tokenEndpoint(st.issuer());
                return t.token(tokenUrl, st.clientId(), SsfServiceFactory.secret(s, loaded.receiver().realmId(), secret));
            });
            List<String> ack = new ArrayList<>();
            Map<String, ObjectNode> errors = new LinkedHashMap<>();
            int maxBytes = st.maxEvents() * (SetVerifier.MAX_TOKEN + 512) + 4096;
            for (int round = 0; round < MAX_ROUNDS; round++) {
                if (round > 0 && !renew(factory, receiverId, owner)) {
                    break; // the lease is another node's now (this one stalled): it goes on from what was acknowledged
                }
                List<String> sentAck = List.copyOf(ack);
                Map<String, ObjectNode> sentErrors = new LinkedHashMap<>(errors);
                JsonNode answer = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                        s -> new Transmitter(service.outbound(s), st.allowHttp()).poll(loadedPollUrl(loaded), token, st.maxEvents(), sentAck, sentErrors, maxBytes));
                ack.clear();
                errors.clear();
                JsonNode sets = answer.get("sets");
                if (sets == null || !sets.isObject() || sets.isEmpty()) {
                    more = false;
                    break;
                }
                more = true; // a round that brought SETs: the backlog may go on
                for (Iterator<Map.Entry<String, JsonNode>> it = sets.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    received++;
                    String jti = e.getKey();
                    String set = e.getValue().isTextual() ? e.getValue().asText() : null;
                    SsfIntake.Received r;
                    try {
                        SsfReceivers.Receiver current = receiver;
                        r = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                            RealmModel realm = s.realms().getRealm(current.realmId());
                            s.getContext().setRealm(realm);
                            SsfReceivers.Receiver fresh = s.getProvider(IncidentStore.class).ssf().byId(current.id()).orElse(current);
                            return SsfIntake.receive(s, realm, fresh, set, SsfReceivers.Delivery.POLL, service);
                        });
                    } catch (RuntimeException ex) {
                        LOG.warnf("breach-response: SSF receiver %s of realm %s could not process a polled SET (it will come again): %s",
                                st.alias(), realmName, ex.getClass().getSimpleName());
                        continue;
                    }
                    outcomes.merge(r.outcome(), 1, Integer::sum);
                    if (r.outcome() == Outcome.REFUSED) {
                        errors.put(jti, Outbound.JSON.createObjectNode().put("err", r.err()).put("description", r.description()));
                    } else {
                        ack.add(jti);
                    }
                }
            }
            if (!ack.isEmpty() || !errors.isEmpty()) {
                List<String> lastAck = List.copyOf(ack);
                Map<String, ObjectNode> lastErrors = new LinkedHashMap<>(errors);
                KeycloakModelUtils.runJobInTransactionWithResult(factory,
                        s -> new Transmitter(service.outbound(s), st.allowHttp()).poll(loadedPollUrl(loaded), token, 0, lastAck, lastErrors, maxBytes));
            }
        } catch (Outbound.Failed | IllegalStateException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            error = "poll failed: " + e.getClass().getSimpleName();
            LOG.warnf(e, "breach-response: an SSF poll cycle failed");
        }
        finish(factory, receiverId, owner, receiver, new Ended(error, more));
        return new Cycle(received, outcomes, error);
    }

    private static boolean renew(KeycloakSessionFactory factory, String receiverId, String owner) {
        long until = Time.currentTimeMillis() + SsfServiceFactory.LEASE_MILLIS;
        return KeycloakModelUtils.runJobInTransactionWithResult(factory,
                s -> s.getProvider(IncidentStore.class).ssf().renewLease(receiverId, owner, until));
    }

    private static String loadedPollUrl(Loaded loaded) {
        return loaded.receiver().pollUrl();
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
            long wait = Math.min(MAX_BACKOFF_SECONDS, interval * (1L << Math.min(failures, 10)));
            long jitter = (long) (wait * 1000 * (ThreadLocalRandom.current().nextDouble(0.4) - 0.2));
            next = now + wait * 1000L + jitter;
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> s.getProvider(IncidentStore.class).ssf().pollDone(receiverId, owner, now, error, next));
        } catch (RuntimeException e) {
            LOG.warnf("breach-response: the result of an SSF poll could not be stored (the lease runs out): %s", e.getMessage());
        }
    }

    private record Loaded(SsfReceivers.Receiver receiver, String secret, String realmName) {
    }
}
