package dev.breachresponse.keycloak.ssf.risc;

import java.util.List;
import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.ssf.Ssf;
import org.keycloak.ssf.SsfException;
import org.keycloak.ssf.event.InitiatingEntity;
import org.keycloak.ssf.event.SsfEvent;
import org.keycloak.ssf.event.caep.CaepSessionRevoked;
import org.keycloak.ssf.subject.SubjectId;
import org.keycloak.ssf.transmitter.SsfTransmitterProvider;
import org.keycloak.ssf.event.token.SsfSecurityEventToken;
import org.keycloak.ssf.transmitter.stream.StreamConfig;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.FlagsAdded;
import dev.breachresponse.keycloak.incident.Incident;

/**
 * Tells the relying parties that subscribed to Keycloak 26.7's SSF transmitter what a flag did (docs/ssf.md,
 * "Downstream"): each user newly flagged (or re-opened) in an incident that exposed passwords → RISC
 * {@code credential-compromise} ({@code credential_type} password); otherwise, when the incident's policy asks for a
 * password change → RISC {@code account-credential-change-required}; and when the policy revoked the users' sessions →
 * CAEP {@code session-revoked}. Per user and stream, through the transmitter's own subject mapping, subscription gate
 * and outbox ({@code SecurityEventTokenDispatcher.dispatchEvent}: events the stream did not request are dropped, a paused
 * stream holds them), in the flagging transaction. Flags by a Shared Signals receiver ({@link Actor.Type#SSF}) send
 * nothing: two realms or servers that receive from each other would otherwise echo every event back and forth. Only
 * in realms with the transmitter enabled; a failure is logged and never fails the flag.
 */
public final class Downstream {

    private static final Logger LOG = Logger.getLogger(Downstream.class);

    private Downstream() {
    }

    /** The listener of {@link FlagsAdded}, registered by {@link RiscEventsFactory} (26.7 with the {@code ssf} feature). */
    static void flagged(FlagsAdded f) {
        if (f.actor().type() == Actor.Type.SSF || !Ssf.isTransmitterEnabled(f.realm())) {
            return;
        }
        try {
            Incident incident = f.incident();
            Supplier<SsfEvent> flag = null;
            if (incident.exposedData().contains("password")) {
                flag = () -> {
                    RiscEvent e = new RiscEvent.CredentialCompromise();
                    e.setAttributeValue("credential_type", "password");
                    return e;
                };
            } else if (incident.policy().requirePasswordChange()) {
                flag = RiscEvent.AccountCredentialChangeRequired::new;
            }
            int sent = 0;
            if (flag != null) {
                sent += send(f.getKeycloakSession(), f.realm(), f.userIds(), flag);
            }
            if (f.sessionsRevoked()) {
                sent += send(f.getKeycloakSession(), f.realm(), f.userIds(), CaepSessionRevoked::new);
            }
            if (sent > 0) {
                LOG.debugf("breach-response: %d SSF events queued for %d users flagged in %s", sent, f.userIds().size(), incident.key().value());
            }
        } catch (RuntimeException e) { // NOPMD: the flag stands; its downstream events are best effort
            LOG.warnf("breach-response: SSF events for users flagged in realm %s could not be queued: %s", f.realm().getName(), e.toString());
        }
    }

    /**
     * Queues one event of {@code event}'s type per user and subscribed stream of the realm; returns how many SETs were
     * handed to the transmitter's dispatcher.
     */
    static int send(KeycloakSession session, RealmModel realm, List<String> userIds, Supplier<SsfEvent> event) {
        SsfTransmitterProvider transmitter = session.getProvider(SsfTransmitterProvider.class);
        if (transmitter == null) {
            return 0;
        }
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);
        try {
            List<StreamConfig> streams = transmitter.streamService().findStreamsForSsfReceiverClients();
            int sent = 0;
            for (String userId : streams.isEmpty() ? List.<String>of() : userIds) {
                UserModel user = session.users().getUserById(realm, userId);
                if (user == null) {
                    continue;
                }
                for (StreamConfig stream : streams) {
                    if (stream.getDelivery() == null || !transmitter.securityEventTokenDispatcher().shouldDispatchForUser(user, stream)) {
                        continue;
                    }
                    SubjectId subject;
                    try {
                        subject = transmitter.securityEventTokenMapper().buildSubjectForReceiver(stream, userId);
                    } catch (SsfException e) {
                        continue; // this receiver's subject format cannot name the user (e.g. email, and the user has none)
                    }
                    SsfEvent e = event.get();
                    e.setEventTimestamp(Time.currentTime());
                    e.setInitiatingEntity(InitiatingEntity.POLICY);
                    SsfSecurityEventToken set = transmitter.securityEventTokenMapper().generateSyntheticEvent(stream, e.getEventType(), e, subject);
                    if (set != null) {
                        transmitter.securityEventTokenDispatcher().dispatchEvent(set, stream);
                        sent++;
                    }
                }
            }
            return sent;
        } finally {
            if (previous != null) {
                session.getContext().setRealm(previous);
            }
        }
    }
}
