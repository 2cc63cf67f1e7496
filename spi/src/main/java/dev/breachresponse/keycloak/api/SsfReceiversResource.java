package dev.breachresponse.keycloak.api;

import java.io.InputStream;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.incident.StandingIncidents;
import dev.breachresponse.keycloak.ssf.PushCredential;
import dev.breachresponse.keycloak.ssf.PushResource;
import dev.breachresponse.keycloak.ssf.SsfService;

/**
 * {@code /ssf/receivers}: the realm's OpenID Shared Signals receivers (docs/ssf.md). Reading needs view-realm, every
 * change manage-realm. The push credential is shown once, in the answer that made it ({@code Cache-Control:
 * no-store}); the client secret is never shown. A failed call to the transmitter is 502 {@code transmitter_error} with
 * the reason; a transmitter that cannot be discovered at create is 400 {@code discovery_failed}.
 */
public final class SsfReceiversResource {

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;

    SsfReceiversResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_SSF_RECEIVER);
    }

    /** {@code {"receivers": [receiver…]}}, oldest first. */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            ObjectNode out = Json.object();
            ArrayNode items = out.putArray("receivers");
            store().list(ctx.realm()).forEach(r -> items.add(json(r)));
            return AdminContext.ok(out);
        });
    }

    /**
     * Creates a receiver: 201 with it and, for a push receiver, its {@code pushCredential} (shown once; null for poll). 400 for an
     * invalid body, 409 {@code alias_taken} or {@code too_many_receivers}.
     */
    @POST
    @Path("")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(InputStream body) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            Api.requireJson(session);
            SsfReceiverRequests.Parsed p = SsfReceiverRequests.parse(Api.readSmallJson(body), null);
            if (store().list(ctx.realm()).size() >= SsfReceivers.MAX_RECEIVERS_PER_REALM) {
                throw new ApiException(409, "too_many_receivers", "This realm already has " + SsfReceivers.MAX_RECEIVERS_PER_REALM + " receivers");
            }
            aliasFree(p.settings().alias(), null);
            SsfReceivers.Settings settings = withJwks(p.settings());
            String credential = settings.delivery() == SsfReceivers.Delivery.PUSH ? PushCredential.create() : null;
            SsfReceivers.Receiver r = store().create(ctx.realm(), settings, p.clientSecret(), credential == null ? null : PushCredential.hash(credential),
                    Api.actor(ctx.auth()));
            // the receiver's incident exists before the first event (concurrent first events would race to create it)
            StandingIncidents.signals(session, ctx.realm(), Api.actor(ctx.auth()), settings.incidentId(), settings.alias());
            ctx.success(events, OperationType.CREATE, json(r));
            ObjectNode out = json(r);
            out.put("pushCredential", credential); // null for a poll receiver
            return Response.created(session.getContext().getUri().getAbsolutePathBuilder().path(r.id()).build())
                    .header("Cache-Control", "no-store").type(MediaType.APPLICATION_JSON_TYPE).entity(out.toString()).build();
        });
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            return AdminContext.ok(json(receiver(id)));
        });
    }

    /**
     * Replaces the settings (the create body; {@code clientSecret} may be left out to keep it). Enabling or disabling
     * tells the transmitter to resume or pause the stream (SSF 1.0 §8.1.2.2); its failure is reported as
     * {@code streamStatusError}, the change stays. 409 {@code stream_exists} when the delivery method changes while a
     * stream exists.
     */
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") String id, InputStream body) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            Api.requireJson(session);
            SsfReceivers.Receiver before = receiver(id);
            SsfReceiverRequests.Parsed p = SsfReceiverRequests.parse(Api.readSmallJson(body), before);
            aliasFree(p.settings().alias(), id);
            if (before.streamId() != null && before.settings().delivery() != p.settings().delivery()) {
                throw new ApiException(409, "stream_exists", "Delete the stream (DELETE …/stream) before changing the delivery method");
            }
            SsfReceivers.Settings settings = p.settings().jwksUri() == null && p.settings().issuer().equals(before.settings().issuer())
                    && before.settings().jwksUri() != null ? withJwksUri(p.settings(), before.settings().jwksUri()) : withJwks(p.settings());
            SsfReceivers.Receiver r = store().update(ctx.realm(), id, settings, p.clientSecret()).orElseThrow(() -> ApiException.notFound("Receiver " + id));
            StandingIncidents.signals(session, ctx.realm(), Api.actor(ctx.auth()), settings.incidentId(), settings.alias());
            String problem = before.settings().enabled() == r.settings().enabled() ? null
                    : SsfService.of(session).setStreamStatus(ctx.realm(), r, r.settings().enabled());
            ObjectNode out = json(store().find(ctx.realm(), id).orElse(r)); // with the stream status the transmitter took
            out.put("streamStatusError", problem);
            ctx.success(events, OperationType.UPDATE, json(r));
            return AdminContext.ok(out);
        });
    }

    /** Removes the receiver, its log and replay store (204). The transmitter's stream is left: delete it first. */
    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            SsfReceivers.Receiver r = receiver(id);
            store().delete(ctx.realm(), id);
            ctx.success(events, OperationType.DELETE, json(r));
            return Response.noContent().build();
        });
    }

    /** A new push credential: 200 {@code {"pushCredential": …}} (no-store); the old one stops working at once. */
    @POST
    @Path("{id}/push-credential")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            SsfReceivers.Receiver r = receiver(id);
            if (r.settings().delivery() != SsfReceivers.Delivery.PUSH) {
                throw new ApiException(409, "not_push", "Receiver " + id + " polls; it has no push credential");
            }
            String credential = PushCredential.create();
            store().setPushTokenHash(ctx.realm(), id, PushCredential.hash(credential));
            ctx.success(events, OperationType.ACTION, json(r));
            ObjectNode out = Json.object();
            out.put("pushCredential", credential);
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
        });
    }

    /** Creates the stream at the transmitter: 201 {@code {"stream_id", "delivery_method", "events_delivered"}}. 409 when one exists. */
    @POST
    @Path("{id}/stream")
    @Produces(MediaType.APPLICATION_JSON)
    public Response createStream(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            SsfReceivers.Receiver r = receiver(id);
            if (r.streamId() != null) {
                throw new ApiException(409, "stream_exists", "Receiver " + id + " has stream " + r.streamId() + "; delete it first");
            }
            ObjectNode out = Json.object();
            transmitter(() -> SsfService.of(session).createStream(ctx.realm(), r)).forEach(out::putPOJO);
            ctx.success(events, OperationType.CREATE, out);
            return Response.status(201).type(MediaType.APPLICATION_JSON_TYPE).entity(out.toString()).build();
        });
    }

    /** Deletes the stream at the transmitter and forgets it (204). */
    @DELETE
    @Path("{id}/stream")
    public Response deleteStream(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            SsfReceivers.Receiver r = receiver(id);
            transmitter(() -> {
                SsfService.of(session).deleteStream(ctx.realm(), r);
                return null;
            });
            ctx.success(events, OperationType.DELETE, json(r));
            return Response.noContent().build();
        });
    }

    /** Asks the transmitter for a verification event: 202 {@code {"state": …}}; the event's arrival shows in the status. */
    @POST
    @Path("{id}/verify")
    @Produces(MediaType.APPLICATION_JSON)
    public Response verify(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            SsfReceivers.Receiver r = receiver(id);
            String state = transmitter(() -> SsfService.of(session).verify(ctx.realm(), r));
            ObjectNode out = Json.object();
            out.put("state", state);
            return Response.accepted(out.toString()).type(MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** Runs one poll cycle now: 200 {@code {"received", "outcomes": {outcome: n}, "error"}}; 409 while another node polls it. */
    @POST
    @Path("{id}/poll")
    @Produces(MediaType.APPLICATION_JSON)
    public Response poll(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            SsfReceivers.Receiver r = receiver(id);
            if (r.settings().delivery() != SsfReceivers.Delivery.POLL) {
                throw new ApiException(409, "not_poll", "Receiver " + id + " receives by push");
            }
            if (!r.settings().enabled()) {
                throw new ApiException(409, "receiver_disabled", "Receiver " + id + " is disabled; enable it to poll");
            }
            SsfService.PollResult p = SsfService.of(session).pollNow(r);
            if (p == null) {
                throw new ApiException(409, "poll_running", "Another node is polling receiver " + id + " now; try again shortly");
            }
            ObjectNode out = Json.object();
            out.put("received", p.received());
            ObjectNode outcomes = out.putObject("outcomes");
            p.outcomes().forEach((k, v) -> outcomes.put(k.name(), v));
            out.put("error", p.error());
            return AdminContext.ok(out);
        });
    }

    /** Fetches the transmitter's JWKS again on this node: 200 {@code {"refreshed": bool}}. */
    @POST
    @Path("{id}/keys/refresh")
    @Produces(MediaType.APPLICATION_JSON)
    public Response refreshKeys(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            ObjectNode out = Json.object();
            out.put("refreshed", SsfService.of(session).refreshKeys(receiver(id)));
            return AdminContext.ok(out);
        });
    }

    /**
     * The receiver's state, its events per type and outcome, and its inbox (SETs accepted, not yet applied):
     * {@code {…receiver, "counts": [{eventType, outcome, count}], "inbox": {"pending", "oldestAt" (epoch ms or null),
     * "maxAttempts"}}}.
     */
    @GET
    @Path("{id}/status")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            SsfReceivers.Receiver r = receiver(id);
            ObjectNode out = json(r);
            ArrayNode counts = out.putArray("counts");
            store().counts(id).forEach(c -> counts.addObject().put("eventType", c.eventType()).put("outcome", c.outcome().name()).put("count", c.count()));
            SsfReceivers.Pending pending = store().pending(id);
            ObjectNode inbox = out.putObject("inbox");
            inbox.put("pending", pending.count());
            inbox.put("oldestAt", pending.oldestAt());
            inbox.put("maxAttempts", pending.maxAttempts());
            return AdminContext.ok(out);
        });
    }

    /** A page of the event log, newest first: {@code {"events": [...]}} ({@code max} default 100, at most 1000). */
    @GET
    @Path("{id}/events")
    @Produces(MediaType.APPLICATION_JSON)
    public Response events(@PathParam("id") String id, @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            receiver(id);
            ObjectNode out = Json.object();
            ArrayNode items = out.putArray("events");
            store().events(id, Api.first(first), Api.max(max, 100, 1000)).forEach(e -> {
                ObjectNode o = items.addObject();
                o.put("id", e.id());
                o.put("receivedAt", e.receivedAt());
                o.put("delivery", e.delivery().name().toLowerCase(java.util.Locale.ROOT));
                o.put("jti", e.jti());
                o.put("eventType", e.eventType());
                o.put("subjectFormat", e.subjectFormat());
                o.put("userId", e.userId());
                o.put("outcome", e.outcome().name());
                o.put("err", e.err());
                o.put("detail", e.detail());
            });
            return AdminContext.ok(out);
        });
    }

    private <T> T transmitter(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SsfService.TransmitterError e) {
            throw new ApiException(502, "transmitter_error", e.getMessage());
        }
    }

    private SsfReceivers.Settings withJwks(SsfReceivers.Settings s) {
        if (s.jwksUri() != null) {
            return s;
        }
        try {
            return withJwksUri(s, SsfService.of(session).discoverJwksUri(s.issuer(), s.allowHttp()));
        } catch (SsfService.TransmitterError e) {
            throw new ApiException(400, "discovery_failed", "jwksUri is not set and could not be discovered from the issuer: " + e.getMessage());
        }
    }

    private static SsfReceivers.Settings withJwksUri(SsfReceivers.Settings s, String jwksUri) {
        return new SsfReceivers.Settings(s.alias(), s.description(), s.enabled(), s.issuer(), jwksUri, s.audience(), s.delivery(), s.tokenUrl(),
                s.clientId(), s.pollIntervalSeconds(), s.maxEvents(), s.incidentId(), s.subjects(), s.disableOnHijacking(), s.allowHttp(),
                s.maxAgeSeconds(), s.eventsRequested());
    }

    private void aliasFree(String alias, String self) {
        Optional<SsfReceivers.Receiver> taken = store().list(ctx.realm()).stream().filter(r -> r.settings().alias().equals(alias)).findFirst();
        if (taken.isPresent() && !taken.get().id().equals(self)) {
            throw new ApiException(409, "alias_taken", "Another receiver of this realm is called " + alias);
        }
    }

    private SsfReceivers.Receiver receiver(String id) {
        return store().find(ctx.realm(), id).orElseThrow(() -> ApiException.notFound("Receiver " + id));
    }

    private ObjectNode json(SsfReceivers.Receiver r) {
        return SsfReceiverRequests.json(r, PushResource.url(session, ctx.realm(), r.id()), store().lastEventAt(r.id()));
    }

    private SsfReceivers store() {
        return ctx.store().ssf();
    }
}
