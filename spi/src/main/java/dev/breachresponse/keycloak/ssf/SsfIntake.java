package dev.breachresponse.keycloak.ssf;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.incident.SsfReceivers.Delivery;
import dev.breachresponse.keycloak.incident.SsfReceivers.LoggedEvent;
import dev.breachresponse.keycloak.incident.SsfReceivers.Outcome;
import dev.breachresponse.keycloak.metrics.BreachMetrics;
import dev.breachresponse.keycloak.support.AfterCommit;
import dev.breachresponse.keycloak.support.Digests;

/**
 * One SET, pushed or polled, taken in within the caller's transaction: {@link SetVerifier} (refused → the log row
 * only, counted), the replay store (a SET already accepted → DUPLICATE, not taken again), then the inbox (ACCEPTED):
 * the replay entry and the inbox row commit together, and after the commit this node's {@link InboxDrain} is woken to
 * apply it ({@link EventActions}, the log row, the count in {@code keycloak_breach_ssf_events_total}). The compact
 * token itself is never stored or logged.
 *
 * @throws TransmitterKeys.KeysUnavailable when the transmitter's keys could not be fetched (nothing written; ask again later)
 */
final class SsfIntake {

    private static final Logger LOG = Logger.getLogger(SsfIntake.class);

    /** What became of one SET: its outcome, and for REFUSED the RFC 8935 error code and description. */
    record Received(Outcome outcome, String err, String description, String jti) {
    }

    private SsfIntake() {
    }

    static Received receive(KeycloakSession session, RealmModel realm, SsfReceivers.Receiver receiver, String token, Delivery delivery,
                            SsfServiceFactory factory) {
        SsfReceivers store = session.getProvider(IncidentStore.class).ssf();
        long now = Time.currentTimeMillis();
        SsfReceivers.Settings s = receiver.settings();
        TransmitterKeys keys = new TransmitterKeys(session, receiver, factory);
        VerifiedSet set;
        try {
            set = SetVerifier.verify(token, new SetVerifier.Expectation(s.issuer(), s.audience(), s.maxAgeSeconds()), keys, keys, now / 1000);
        } catch (SetRejected e) {
            store.log(receiver.id(), new LoggedEvent(null, now, delivery, null, null, null, null, Outcome.REFUSED, e.err(), e.getMessage()));
            BreachMetrics.ssfEventAfterCommit(session, "other", Outcome.REFUSED.name());
            LOG.debugf("breach-response: SSF receiver %s of realm %s refused a SET: %s %s", s.alias(), realm.getName(), e.err(), e.getMessage());
            return new Received(Outcome.REFUSED, e.err(), e.getMessage(), null);
        }
        // kept as long as the largest maxAgeSeconds allows, so that raising it later cannot let a purged SET in again
        long expiresAt = (set.iat() + SetVerifier.MAX_AGE_SECONDS + SetVerifier.FUTURE_SKEW_SECONDS) * 1000L;
        String label = SsfEventTypes.label(set.eventType());
        if (!store.remember(receiver.id(), replayKey(receiver.id(), set), expiresAt)) {
            store.log(receiver.id(), new LoggedEvent(null, now, delivery, set.jti(), set.eventType(), set.subjectFormat(), null, Outcome.DUPLICATE,
                    null, "already received"));
            BreachMetrics.ssfEventAfterCommit(session, label, Outcome.DUPLICATE.name());
            return new Received(Outcome.DUPLICATE, SetRejected.INVALID_REQUEST, "This SET (jti) was already received", set.jti());
        }
        store.enqueue(receiver.id(), now, delivery, set.toClaims());
        AfterCommit.run(session, factory.inbox()::kick);
        return new Received(Outcome.ACCEPTED, null, null, set.jti());
    }

    /** The replay store's key: SHA-256 of receiver, issuer and jti (hex), so neither length nor content of jti matters. */
    static String replayKey(String receiverId, VerifiedSet set) {
        return Digests.sha256Hex(receiverId + "\n" + set.issuer() + "\n" + set.jti());
    }
}
