package dev.breachresponse.keycloak.ssf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.SsfReceivers;

/**
 * {@code POST /realms/{realm}/breach-response/ssf/{receiverId}/push}: RFC 8935 push delivery of one SET. Checked in
 * this order, nothing applied on a refusal: the push credential ({@code Authorization: Bearer}, constant-time against
 * its stored SHA-256; an unknown receiver answers the same) → 401 {@code authentication_failed} with
 * {@code WWW-Authenticate: Bearer}; {@code Content-Type: application/secevent+jwt} → 415; the receiver enabled → 400
 * {@code access_denied}; at most {@value #MAX_BODY} bytes → 413; the transmitter's keys unreachable → 503
 * {@code temporarily_unavailable} with {@code Retry-After} (the SET may be good: send it again), as is a write that a
 * concurrent one beat; then the SET ({@link SetVerifier}) → 400 with the
 * RFC 8935 §2.3 {@code err} and a description; a SET already received → 400 {@code invalid_request}; accepted → 202,
 * empty, once the SET and its replay entry are committed to the inbox (RFC 8935 §2.2: the receiver has taken
 * responsibility for it), where {@link InboxDrain} applies it moments later. Error bodies are
 * {@code {"err": …, "description": …}}.
 */
public final class PushResource {

    static final int MAX_BODY = SetVerifier.MAX_TOKEN;
    static final String SECEVENT = "application/secevent+jwt";

    private final KeycloakSession session;

    public PushResource(KeycloakSession session) {
        this.session = session;
    }

    @POST
    @Path("{id}/push")
    public Response push(@PathParam("id") String id, InputStream body) {
        RealmModel realm = session.getContext().getRealm();
        SsfReceivers store = session.getProvider(IncidentStore.class).ssf();
        SsfReceivers.Receiver receiver = id == null || id.length() > 36 ? null
                : store.find(realm, id).filter(r -> r.settings().delivery() == SsfReceivers.Delivery.PUSH).orElse(null);
        String presented = bearer(session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.AUTHORIZATION));
        if (receiver == null || !PushCredential.matches(presented, store.pushTokenHash(receiver.id()).orElse(null))) {
            return Response.fromResponse(error(401, SetRejected.AUTHENTICATION_FAILED, "A valid push credential (Authorization: Bearer) is required"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type == null || !SECEVENT.equalsIgnoreCase(type.getType() + "/" + type.getSubtype())) {
            return error(415, SetRejected.INVALID_REQUEST, "Send the SET as " + SECEVENT + " (RFC 8935 §2)");
        }
        if (!receiver.settings().enabled()) {
            return error(400, SetRejected.ACCESS_DENIED, "This receiver is disabled");
        }
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            return error(400, SetRejected.INVALID_REQUEST, "The body could not be read");
        }
        if (bytes.length > MAX_BODY) {
            return error(413, SetRejected.INVALID_REQUEST, "The SET is larger than " + MAX_BODY + " bytes");
        }
        SsfIntake.Received r;
        try {
            r = SsfIntake.receive(session, realm, receiver, new String(bytes, StandardCharsets.US_ASCII), SsfReceivers.Delivery.PUSH,
                    SsfService.factory(session.getKeycloakSessionFactory()));
        } catch (TransmitterKeys.KeysUnavailable e) {
            session.getTransactionManager().setRollbackOnly();
            return Response.fromResponse(error(503, "temporarily_unavailable", "The transmitter's keys could not be fetched; send the SET again later"))
                    .header(HttpHeaders.RETRY_AFTER, "30").build();
        } catch (PersistenceException e) {
            // a concurrent write won (a twin of this SET, or another event on the same row): nothing of this one stays;
            // sent again, it is applied or answered as a replay
            session.getTransactionManager().setRollbackOnly();
            return Response.fromResponse(error(503, "temporarily_unavailable", "A concurrent change got in the way; send the SET again"))
                    .header(HttpHeaders.RETRY_AFTER, "1").build();
        }
        if (r.err() != null) {
            return error(400, r.err(), r.description());
        }
        // RFC 8935 §2.2: 202 with no body (Keycloak's security headers want a media type unless told)
        session.getProvider(SecurityHeadersProvider.class).options().allowEmptyContentType();
        return Response.accepted().build();
    }

    /** This receiver's push URL on the realm's frontend URL: {@code /realms/{realm}/breach-response/ssf/{id}/push}. */
    public static String url(KeycloakSession session, RealmModel realm, String receiverId) {
        return UriBuilder.fromUri(session.getContext().getUri(UrlType.FRONTEND).getBaseUri()).path("realms").path(realm.getName())
                .path("breach-response").path("ssf").path(receiverId).path("push").build().toString();
    }

    private static String bearer(String header) {
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    private static Response error(int status, String err, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("err", err);
        body.put("description", description);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.CACHE_CONTROL, "no-store").entity(body).build();
    }
}
