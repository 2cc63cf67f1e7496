package dev.breachresponse.keycloak.ssf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.SsfReceivers;

/** {@link SsfService} of one session: the admin API's calls to a transmitter, in the request. */
final class DefaultSsfService implements SsfService {

    private final KeycloakSession session;
    private final SsfServiceFactory factory;

    DefaultSsfService(KeycloakSession session, SsfServiceFactory factory) {
        this.session = session;
        this.factory = factory;
    }

    @Override
    public String discoverJwksUri(String issuer, boolean allowHttp) {
        try {
            return transmitter(allowHttp, issuer).discover(issuer).jwksUri();
        } catch (Outbound.Failed e) {
            throw new TransmitterError(e.getMessage());
        }
    }

    @Override
    public Map<String, Object> createStream(RealmModel realm, SsfReceivers.Receiver r) {
        SsfReceivers.Settings s = r.settings();
        try {
            Transmitter t = transmitter(s.allowHttp(), s.issuer());
            Transmitter.Metadata m = t.discover(s.issuer());
            String token = token(t, realm, r);
            ObjectNode delivery = Outbound.JSON.createObjectNode();
            String pushToken = null;
            if (s.delivery() == SsfReceivers.Delivery.PUSH) {
                pushToken = PushCredential.create();
                delivery.put("method", Transmitter.PUSH).put("endpoint_url", PushResource.url(session, realm, r.id())).put("authorization_header", "Bearer " + pushToken);
            } else {
                delivery.put("method", Transmitter.POLL);
            }
            JsonNode stream = t.createStream(m, token, delivery, s.eventsRequested(), s.description());
            String streamId = Transmitter.text(stream, "stream_id");
            String pollUrl = s.delivery() == SsfReceivers.Delivery.POLL ? Transmitter.text(stream.path("delivery"), "endpoint_url") : null;
            String problem = streamId.length() > 255 ? "the transmitter's stream_id is longer than 255 characters"
                    : s.delivery() == SsfReceivers.Delivery.POLL ? t.problem("the stream's poll endpoint_url", pollUrl) : null;
            if (problem != null) {
                // not usable here: taken down again at the transmitter, so that a second try is not refused as a duplicate
                try {
                    t.deleteStream(m, token, streamId);
                } catch (Outbound.Failed e) {
                    problem += "; deleting it at the transmitter failed too (" + e.getMessage() + ")";
                }
                throw new TransmitterError(problem);
            }
            SsfReceivers store = store();
            store.stream(r.id(), streamId, pollUrl, "enabled");
            if (pushToken != null) {
                store.setPushTokenHash(realm, r.id(), PushCredential.hash(pushToken));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("stream_id", streamId);
            out.put("delivery_method", s.delivery() == SsfReceivers.Delivery.PUSH ? Transmitter.PUSH : Transmitter.POLL);
            List<String> delivered = stream.path("events_delivered").isArray()
                    ? Outbound.JSON.convertValue(stream.get("events_delivered"), List.class) : List.of();
            out.put("events_delivered", delivered);
            return out;
        } catch (Outbound.Failed | IllegalStateException e) {
            throw new TransmitterError(e.getMessage());
        }
    }

    @Override
    public void deleteStream(RealmModel realm, SsfReceivers.Receiver r) {
        try {
            Transmitter t = transmitter(r.settings().allowHttp(), r.settings().issuer());
            if (r.streamId() != null) {
                t.deleteStream(t.discover(r.settings().issuer()), token(t, realm, r), r.streamId());
            }
            store().stream(r.id(), null, null, null);
        } catch (Outbound.Failed | IllegalStateException e) {
            throw new TransmitterError(e.getMessage());
        }
    }

    @Override
    public String verify(RealmModel realm, SsfReceivers.Receiver r) {
        if (r.streamId() == null) {
            throw new TransmitterError("no stream yet: create it first");
        }
        String state = PushCredential.random(16);
        try {
            Transmitter t = transmitter(r.settings().allowHttp(), r.settings().issuer());
            store().verifyRequested(r.id(), state);
            t.verify(t.discover(r.settings().issuer()), token(t, realm, r), r.streamId(), state);
            return state;
        } catch (Outbound.Failed | IllegalStateException e) {
            throw new TransmitterError(e.getMessage());
        }
    }

    @Override
    public String setStreamStatus(RealmModel realm, SsfReceivers.Receiver r, boolean enabled) {
        if (r.streamId() == null) {
            return null;
        }
        try {
            Transmitter t = transmitter(r.settings().allowHttp(), r.settings().issuer());
            t.status(t.discover(r.settings().issuer()), token(t, realm, r), r.streamId(), enabled ? "enabled" : "paused");
            store().streamStatus(r.id(), enabled ? "enabled" : "paused");
            return null;
        } catch (Outbound.Failed | IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Override
    public PollResult pollNow(SsfReceivers.Receiver r) {
        long now = Time.currentTimeMillis();
        String token = factory.leaseToken();
        boolean leased = org.keycloak.models.utils.KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                s -> s.getProvider(IncidentStore.class).ssf().lease(r.id(), token, now, now + SsfServiceFactory.LEASE_MILLIS));
        if (!leased) {
            return null;
        }
        Poller.Cycle c = Poller.run(session.getKeycloakSessionFactory(), factory, r.id(), token);
        return new PollResult(c.received(), c.outcomes(), c.error());
    }

    @Override
    public boolean refreshKeys(SsfReceivers.Receiver r) {
        store().nextKeysVersion(r.id()); // every node starts a new key cache entry with its next SET
        return new TransmitterKeys(session, r, factory).reload();
    }

    private String token(Transmitter t, RealmModel realm, SsfReceivers.Receiver r) {
        SsfReceivers.Settings s = r.settings();
        if (s.clientId() == null) {
            throw new IllegalStateException("no clientId is set for the transmitter's token endpoint");
        }
        String secret = SsfServiceFactory.secret(session, realm.getId(), store().clientSecret(r.id()).orElse(null));
        return t.token(s, secret);
    }

    private Transmitter transmitter(boolean allowHttp, String issuer) {
        return new Transmitter(factory.outbound(session), allowHttp, issuer);
    }

    private SsfReceivers store() {
        return session.getProvider(IncidentStore.class).ssf();
    }

}
