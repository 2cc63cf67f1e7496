package dev.breachresponse.keycloak.ssf;

import java.util.List;
import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

import dev.breachresponse.keycloak.incident.SsfReceivers;

/**
 * The Shared Signals receivers' operations for the admin API (SPI {@value SsfSpi#NAME}): discovery, stream management,
 * "poll now", key refresh. Calls to the transmitter that fail throw {@link TransmitterError} with a short reason (never
 * a credential). The push endpoint and the scheduled poll use the same pieces.
 */
public interface SsfService extends Provider {

    /** A transmitter call failed: the reason, and the HTTP status it answered (0 when none). */
    final class TransmitterError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransmitterError(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The transmitter's {@code jwks_uri} from its metadata (SSF 1.0 §7), checked as every outbound URL. */
    String discoverJwksUri(String issuer, boolean allowHttp);

    /**
     * Creates the stream at the transmitter (SSF 1.0 §8.1.1.1) for the receiver's delivery method (a push stream gets a
     * fresh push credential, handed only to the transmitter) and records it. Returns the transmitter's stream
     * configuration as {@code stream_id}, {@code delivery method}, {@code events_delivered}.
     */
    Map<String, Object> createStream(RealmModel realm, SsfReceivers.Receiver receiver);

    /** Deletes the stream at the transmitter (a 404 there counts as deleted) and forgets it here. */
    void deleteStream(RealmModel realm, SsfReceivers.Receiver receiver);

    /** Asks the transmitter for a verification event (SSF 1.0 §8.1.4.2); returns the state sent. */
    String verify(RealmModel realm, SsfReceivers.Receiver receiver);

    /** Tells the transmitter to pause or resume the stream (§8.1.2.2); a failure is returned as the reason, else null. */
    String setStreamStatus(RealmModel realm, SsfReceivers.Receiver receiver, boolean enabled);

    /**
     * Runs one poll cycle now on this node (an admin's "poll now"), unless another node is polling the receiver.
     *
     * @return SETs received, outcomes and the error that ended the cycle; null when another node holds the lease
     */
    PollResult pollNow(SsfReceivers.Receiver receiver);

    /** What a poll cycle did. */
    record PollResult(int received, Map<SsfReceivers.Outcome, Integer> outcomes, String error) {
    }

    /** Fetches the transmitter's JWKS again on this node; false when that failed. */
    boolean refreshKeys(SsfReceivers.Receiver receiver);

    /** The event types a new stream asks for by default. */
    static List<String> defaultEvents() {
        return SsfEventTypes.ACTIONABLE;
    }

    static SsfService of(KeycloakSession session) {
        return session.getProvider(SsfService.class);
    }

    static SsfServiceFactory factory(KeycloakSessionFactory factory) {
        return (SsfServiceFactory) factory.getProviderFactory(SsfService.class);
    }

    @Override
    default void close() {
        // the factory holds the state
    }
}
