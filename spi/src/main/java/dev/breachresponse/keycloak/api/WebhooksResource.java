package dev.breachresponse.keycloak.api;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

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

import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.DeliveryState;
import dev.breachresponse.keycloak.incident.WebhookEvent;
import dev.breachresponse.keycloak.incident.Webhooks;
import dev.breachresponse.keycloak.webhook.WebhookSigner;
import dev.breachresponse.keycloak.webhook.WebhookTargets;

/**
 * {@code /webhooks}: the realm's webhook endpoints (Standard Webhooks) and their delivery logs. Reading needs
 * view-realm, every change manage-realm. The secret ({@code whsec_…}) is shown once, in the answer that made it (create
 * and rotate, with {@code Cache-Control: no-store}); no other answer, log or admin event holds it. The URL's path and
 * query may be a credential (chat tools' webhook URLs are): only manage-realm sees them; view-realm and admin events
 * get {@code scheme://host[:port]/…}. Shapes in docs/webhooks.md.
 */
public final class WebhooksResource {

    /** How long a rotated-out secret still signs (beside the new one), so receivers can switch without a gap. */
    static final Duration PREVIOUS_SECRET_VALIDITY = Duration.ofHours(24);

    private static final Set<String> FIELDS = Set.of("url", "events", "enabled", "allowHttp", "includeEmail", "description");

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;

    WebhooksResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_WEBHOOK);
    }

    /** The realm's endpoints, oldest first: {@code {"webhooks": [endpoint…]}}. */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            ObjectNode out = Json.object();
            ArrayNode items = out.putArray("webhooks");
            boolean full = ctx.auth().realm().canManageRealm();
            webhooks().list(ctx.realm()).forEach(e -> items.add(json(e, full)));
            return AdminContext.ok(out);
        });
    }

    /**
     * Registers an endpoint: 201 with the endpoint and its {@code secret}. 400 for an invalid body (unknown field,
     * url not https, unknown event type, no events), 409 when the realm already has
     * {@value Webhooks#MAX_ENDPOINTS_PER_REALM} endpoints.
     */
    @POST
    @Path("")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(InputStream body) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            Webhooks.Settings settings = settings(Api.readSmallJson(body));
            if (webhooks().list(ctx.realm()).size() >= Webhooks.MAX_ENDPOINTS_PER_REALM) {
                throw new ApiException(409, "too_many_webhooks", "This realm already has " + Webhooks.MAX_ENDPOINTS_PER_REALM
                        + " webhook endpoints; delete one first");
            }
            String secret = WebhookSigner.newSecret();
            Webhooks.Endpoint e = webhooks().create(ctx.realm(), settings, secret, Api.actor(ctx.auth()));
            ctx.success(events, OperationType.CREATE, json(e, false));
            ObjectNode withSecret = json(e, true);
            withSecret.put("secret", secret);
            return Response.created(session.getContext().getUri().getAbsolutePathBuilder().path(e.id()).build())
                    .header("Cache-Control", "no-store").type(MediaType.APPLICATION_JSON_TYPE).entity(withSecret.toString()).build();
        });
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            return AdminContext.ok(json(endpoint(id), ctx.auth().realm().canManageRealm()));
        });
    }

    /**
     * Replaces the endpoint's settings (same body as create; the secret stays). Disabling it cancels its deliveries
     * not yet sent (they are not sent when it is enabled again).
     */
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") String id, InputStream body) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            endpoint(id);
            Webhooks.Settings settings = settings(Api.readSmallJson(body));
            Webhooks.Endpoint e = webhooks().update(ctx.realm(), id, settings).orElseThrow(() -> ApiException.notFound("Webhook " + id));
            ctx.success(events, OperationType.UPDATE, json(e, false));
            return AdminContext.ok(json(e, true));
        });
    }

    /** Removes the endpoint and its delivery log: 204; 404 when there is none. */
    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            ObjectNode json = json(endpoint(id), false);
            webhooks().delete(ctx.realm(), id);
            ctx.success(events, OperationType.DELETE, json);
            return Response.noContent().build();
        });
    }

    /**
     * Rotates the signing secret: 200 with the new {@code secret}; the old one keeps signing beside it (two
     * {@code v1,} signatures) for 24 hours, {@code previousSecretValidUntil} (epoch ms).
     */
    @POST
    @Path("{id}/secret")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            endpoint(id);
            String secret = WebhookSigner.newSecret();
            Webhooks.Endpoint e = webhooks().rotate(ctx.realm(), id, secret, Time.currentTimeMillis() + PREVIOUS_SECRET_VALIDITY.toMillis())
                    .orElseThrow(() -> ApiException.notFound("Webhook " + id));
            ctx.success(events, OperationType.ACTION, json(e, false));
            ObjectNode withSecret = json(e, true);
            withSecret.put("secret", secret);
            return Response.ok(withSecret.toString(), MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
        });
    }

    /** Queues a {@code webhook.test} event to the endpoint: 202 with its {@code deliveryId} (the webhook-id); 409 when disabled. */
    @POST
    @Path("{id}/test")
    @Produces(MediaType.APPLICATION_JSON)
    public Response test(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            Webhooks.Endpoint e = endpoint(id);
            if (!e.enabled()) {
                throw new ApiException(409, "webhook_disabled", "Webhook " + id + " is disabled; enable it to send a test event");
            }
            String deliveryId = webhooks().queueTest(e);
            ctx.success(events, OperationType.ACTION, json(e, false));
            ObjectNode out = Json.object();
            out.put("deliveryId", deliveryId);
            return Response.accepted(out.toString()).type(MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /**
     * The endpoint's delivery log: {@code {"counts": {state: n}, "deliveries": [...]}}, newest first, a page of
     * {@code max} (default 100, at most 1000) from {@code first}, optionally one {@code state}. No payloads.
     */
    @GET
    @Path("{id}/deliveries")
    @Produces(MediaType.APPLICATION_JSON)
    public Response deliveries(@PathParam("id") String id, @QueryParam("state") String state, @QueryParam("first") Integer first,
                               @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            endpoint(id);
            DeliveryState s = deliveryState(state);
            ObjectNode out = Json.object();
            ObjectNode counts = out.putObject("counts");
            webhooks().counts(id).forEach((k, v) -> counts.put(k.name(), v));
            ArrayNode items = out.putArray("deliveries");
            webhooks().log(id, s, Api.first(first), Api.max(max, 100, 1000)).forEach(d -> {
                ObjectNode o = items.addObject();
                o.put("id", d.id());
                o.put("type", d.event() == null ? null : d.event().wire());
                o.put("userId", d.userId());
                o.put("state", d.state().name());
                o.put("createdAt", d.createdAt());
                o.put("sentAt", d.sentAt());
                o.put("attempts", d.attempts());
                o.put("nextAttemptAt", d.nextAttemptAt());
                o.put("lastStatus", d.lastStatus());
                o.put("lastError", d.lastError());
            });
            return AdminContext.ok(out);
        });
    }

    /**
     * Sends the endpoint's DEAD deliveries again (after the receiver was fixed): 200 {@code {"requeued": n}}, with the
     * same message ids; a second call finds none. 409 when the endpoint is disabled.
     */
    @POST
    @Path("{id}/deliveries/retry")
    @Produces(MediaType.APPLICATION_JSON)
    public Response retryDead(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            Webhooks.Endpoint e = endpoint(id);
            if (!e.enabled()) {
                throw new ApiException(409, "webhook_disabled", "Webhook " + id + " is disabled; enable it to send its deliveries again");
            }
            int n = webhooks().retryDead(id);
            ObjectNode out = Json.object();
            out.put("requeued", n);
            ctx.success(events, OperationType.ACTION, out);
            return AdminContext.ok(out);
        });
    }

    private Webhooks webhooks() {
        return ctx.store().webhooks();
    }

    private Webhooks.Endpoint endpoint(String id) {
        return webhooks().find(ctx.realm(), id).orElseThrow(() -> ApiException.notFound("Webhook " + id));
    }

    private static DeliveryState deliveryState(String state) {
        if (state == null) {
            return null;
        }
        try {
            return DeliveryState.valueOf(state);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("state must be one of " + EnumSet.allOf(DeliveryState.class));
        }
    }

    /** Reads and checks a create or replace body. */
    static Webhooks.Settings settings(JsonNode body) {
        IncidentRequests.onlyFields(body, FIELDS);
        String url = IncidentRequests.text(body, "url", true, WebhookTargets.MAX_LENGTH);
        boolean enabled = Api.bool(body, "enabled", true);
        boolean allowHttp = Api.bool(body, "allowHttp", false);
        boolean includeEmail = Api.bool(body, "includeEmail", false);
        String description = IncidentRequests.text(body, "description", false, 255);
        String problem = WebhookTargets.problem(url, allowHttp);
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
        JsonNode list = body.get("events");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiException.badRequest("events is required: a non-empty array of event types such as [\"flag.created\"]; known: "
                    + subscribable());
        }
        Set<WebhookEvent> events = EnumSet.noneOf(WebhookEvent.class);
        for (JsonNode e : list) {
            WebhookEvent ev = e.isTextual() ? WebhookEvent.ofWire(e.textValue()).filter(WebhookEvent::subscribable).orElse(null) : null;
            if (ev == null) {
                throw ApiException.badRequest("events: unknown event type " + e + "; known: " + subscribable());
            }
            events.add(ev);
        }
        return new Webhooks.Settings(url, events, enabled, allowHttp, includeEmail, description);
    }

    /** {@code scheme://host[:port]}, and {@code /…} when the URL has a path or query (which may be a credential). */
    static String redacted(String url) {
        URI u = URI.create(url);
        String origin = u.getScheme() + "://" + u.getRawAuthority();
        boolean more = (u.getRawPath() != null && !u.getRawPath().isEmpty() && !"/".equals(u.getRawPath())) || u.getRawQuery() != null;
        return more ? origin + "/…" : origin + "/";
    }

    private static String subscribable() {
        return EnumSet.allOf(WebhookEvent.class).stream().filter(WebhookEvent::subscribable).map(WebhookEvent::wire).toList().toString();
    }

    /** An endpoint as JSON; {@code fullUrl} false shows only {@code scheme://host[:port]/…} of the URL. */
    static ObjectNode json(Webhooks.Endpoint e, boolean fullUrl) {
        ObjectNode o = Json.object();
        o.put("id", e.id());
        o.put("url", fullUrl ? e.url() : redacted(e.url()));
        ArrayNode ev = o.putArray("events");
        e.events().forEach(x -> ev.add(x.wire()));
        o.put("enabled", e.enabled());
        o.put("allowHttp", e.allowHttp());
        o.put("includeEmail", e.includeEmail());
        o.put("description", e.description());
        o.put("createdAt", e.createdAt());
        o.put("createdBy", e.createdBy());
        o.put("updatedAt", e.updatedAt());
        o.put("previousSecretValidUntil", e.previousSecretUntil());
        return o;
    }
}
