package dev.breachresponse.keycloak.ssf.risc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
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
import dev.breachresponse.keycloak.incident.EnforcementMode;
import dev.breachresponse.keycloak.incident.FlagsAdded;
import dev.breachresponse.keycloak.incident.Incident;

/**
 * Tells the relying parties that subscribed to Keycloak 26.7's SSF transmitter what a flag did (docs/ssf.md,
 * "Downstream"): each user newly flagged (or flagged again) in an incident that exposed passwords → RISC
 * {@code credential-compromise} ({@code credential_type} password); otherwise, when the incident's enforced policy asks
 * for a password change → RISC {@code account-credential-change-required}; and when the policy revoked the users'
 * sessions → CAEP {@code session-revoked}. Only to streams that explicitly requested the type and were granted it
 * ({@code events_requested} and {@code events_delivered}, not {@code ssf.emitOnlyEvents}), per user through the
 * transmitter's own subject format, subject gate and outbox. Queued after the flagging transaction committed, in a
 * transaction of its own: an event goes out only for a flag that stands, and a failure to queue it (logged) never
 * touches the flag. Flags by a Shared Signals receiver ({@link Actor.Type#SSF}) send nothing: two realms or servers
 * that receive from each other would otherwise echo every event back and forth. Only in realms with the transmitter
 * enabled. Outside an HTTP request (a bulk job's worker) Keycloak's transmitter can name its issuer only from the
 * {@code hostname} option as a full URL (or the realm's frontend URL).
 */
public final class Downstream {

    private static final Logger LOG = Logger.getLogger(Downstream.class);

    private Downstream() {
    }

    /** The listener of {@link FlagsAdded}, registered by {@link RiscEventsFactory} (26.7 with the {@code ssf} feature). */
    static void flagged(FlagsAdded f) {
        try {
            if (f.actor().type() == Actor.Type.SSF || !Ssf.isTransmitterEnabled(f.realm())) {
                return;
            }
            Incident incident = f.incident();
            Supplier<SsfEvent> flag = null;
            if (incident.exposedData().contains("password")) {
                flag = () -> {
                    RiscEvent e = new RiscEvent.CredentialCompromise();
                    e.setAttributeValue("credential_type", "password");
                    return e;
                };
            } else if (incident.policy().requirePasswordChange() && incident.policy().enforcement() == EnforcementMode.ENFORCE) {
                flag = RiscEvent.AccountCredentialChangeRequired::new;
            }
            List<Supplier<SsfEvent>> events = new ArrayList<>();
            if (flag != null) {
                events.add(flag);
            }
            if (f.sessionsRevoked()) {
                events.add(CaepSessionRevoked::new);
            }
            if (events.isEmpty()) {
                return;
            }
            InitiatingEntity by = switch (f.actor().type()) {
                case ADMIN, CLIENT -> InitiatingEntity.ADMIN;
                case USER -> InitiatingEntity.USER;
                default -> InitiatingEntity.POLICY;
            };
            String realmId = f.realm().getId();
            List<String> userIds = f.userIds();
            KeycloakSessionFactory factory = f.getKeycloakSession().getKeycloakSessionFactory();
            f.getKeycloakSession().getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    queue(factory, realmId, userIds, events, by);
                }

                @Override
                protected void rollbackImpl() {
                    // the flags did not stand: nothing to announce
                }
            });
        } catch (RuntimeException e) { // NOPMD: the flag stands; its downstream events are best effort
            LOG.warnf("breach-response: SSF events for users flagged in realm %s could not be prepared: %s", f.realm().getName(), e.toString());
        }
    }

    private static void queue(KeycloakSessionFactory factory, String realmId, List<String> userIds, List<Supplier<SsfEvent>> events, InitiatingEntity by) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                RealmModel realm = s.realms().getRealm(realmId);
                if (realm != null) {
                    int sent = send(s, realm, userIds, events, by);
                    LOG.debugf("breach-response: %d SSF events handed to the transmitter for %d flagged users", sent, userIds.size());
                }
            });
        } catch (RuntimeException e) { // NOPMD: logged; the flags committed already
            LOG.warnf("breach-response: SSF events for %d flagged users could not be queued: %s", userIds.size(), e.toString());
        }
    }

    /**
     * Hands one event per type, user and stream that requested and was granted the type to the transmitter's dispatcher;
     * returns how many SETs it was given (a stream's subject gate may still drop some).
     */
    static int send(KeycloakSession session, RealmModel realm, List<String> userIds, List<Supplier<SsfEvent>> events, InitiatingEntity by) {
        SsfTransmitterProvider transmitter = session.getProvider(SsfTransmitterProvider.class);
        if (transmitter == null) {
            return 0;
        }
        session.getContext().setRealm(realm);
        List<StreamConfig> streams = transmitter.streamService().findStreamsForSsfReceiverClients().stream()
                .filter(s -> s.getDelivery() != null).toList();
        int sent = 0;
        boolean warned = false;
        for (Supplier<SsfEvent> event : events) {
            String type = event.get().getEventType();
            List<StreamConfig> subscribed = streams.stream().filter(s -> wants(s, type)).toList();
            for (String userId : subscribed.isEmpty() ? List.<String>of() : userIds) {
                UserModel user = session.users().getUserById(realm, userId);
                if (user == null) {
                    continue;
                }
                for (StreamConfig stream : subscribed) {
                    try {
                        if (!transmitter.securityEventTokenDispatcher().shouldDispatchForUser(user, stream)) {
                            continue;
                        }
                        SubjectId subject = transmitter.securityEventTokenMapper().buildSubjectForReceiver(stream, userId);
                        SsfEvent e = event.get();
                        e.setEventTimestamp(Time.currentTime());
                        e.setInitiatingEntity(by);
                        SsfSecurityEventToken set = transmitter.securityEventTokenMapper().generateSyntheticEvent(stream, type, e, subject);
                        if (set != null) {
                            transmitter.securityEventTokenDispatcher().dispatchEvent(set, stream);
                            sent++;
                        }
                    } catch (SsfException e) {
                        // this receiver's subject format cannot name the user (e.g. email, and the user has none)
                    } catch (RuntimeException e) { // NOPMD: one stream's failure leaves the others
                        if (!warned) {
                            warned = true;
                            LOG.warnf("breach-response: an SSF event for stream %s could not be built (outside an HTTP request Keycloak's"
                                    + " transmitter needs the hostname option as a full URL): %s", stream.getStreamId(), e.toString());
                        }
                    }
                }
            }
        }
        return sent;
    }

    /** The stream asked for the type explicitly, was granted it, and does not keep it for manual emits only. */
    private static boolean wants(StreamConfig stream, String type) {
        return stream.getEventsRequested() != null && stream.getEventsRequested().contains(type)
                && stream.getEventsDelivered() != null && stream.getEventsDelivered().contains(type)
                && (stream.getEmitOnlyEvents() == null || !stream.getEmitOnlyEvents().contains(type));
    }
}
