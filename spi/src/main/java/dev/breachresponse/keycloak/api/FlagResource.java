package dev.breachresponse.keycloak.api;

import java.io.InputStream;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.revocation.SessionRevoker;

/**
 * {@code /incidents/{id}/flags/{userId}}: one user's flag in one incident with its history (GET, view-users), flag
 * the user now (PUT) or dismiss the flag with a reason (DELETE); writes need manage-users and manage on that user.
 * Both writes go through {@link Flagging}, the one domain service every flag writer uses.
 */
public final class FlagResource {

    static final int MAX_REASON = 1024;

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;
    private final IncidentKey incidentKey;
    private final String userId;

    FlagResource(AdminContext ctx, IncidentKey incidentKey, String userId) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_FLAG);
        this.incidentKey = incidentKey;
        this.userId = userId;
    }

    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            Flag f = find(IncidentResource.load(ctx, incidentKey));
            ObjectNode json = Json.flag(f);
            json.set("history", Json.history(ctx.store().history(f.id())));
            return AdminContext.ok(json);
        });
    }

    /**
     * Flags the user now (the bulk endpoint is for lists) and revokes their sessions when the policy says so;
     * 201 with {@code outcome} and {@code sessionsRevoked}, 200 when already flagged, 409 on a closed incident.
     */
    @PUT
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response flag() {
        return Api.respond(session, () -> {
            ctx.auth().users().requireManage();
            Incident incident = IncidentResource.load(ctx, incidentKey);
            UserModel user = session.users().getUserById(ctx.realm(), userId);
            if (user == null) {
                throw ApiException.notFound("User " + userId);
            }
            ctx.auth().users().requireManage(user);
            if (!incident.open()) {
                throw closed(incidentKey);
            }
            Flagging.Flagged flagged = flagging().flag(incident, user.getId(), Api.actor(ctx.auth()), "admin-api");
            IncidentStore.FlagResult result = flagged.result();
            ObjectNode json = Json.flag(result.flag());
            json.put("outcome", result.outcome().name());
            json.put("sessionsRevoked", flagged.sessionsRevoked());
            if (result.outcome() == IncidentStore.FlagOutcome.ALREADY_FLAGGED) {
                return AdminContext.ok(json);
            }
            ctx.success(events, OperationType.CREATE, json);
            return Response.status(Response.Status.CREATED).type(MediaType.APPLICATION_JSON_TYPE).entity(json.toString()).build();
        });
    }

    /**
     * Dismisses the flag ({@code reason} required, at most {@value #MAX_REASON} characters) and undoes what its
     * escalation added; 200 with the flag, also when it was dismissed already.
     */
    @DELETE
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response dismiss(@QueryParam("reason") String reason) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireManage();
            return dismissWith(reason);
        });
    }

    /**
     * The same as {@code DELETE} with the reason in a JSON body, {@code {"reason": "…"}}, so that it stays out of
     * URLs (access logs, proxies, browser history): what the console uses. 415 without a JSON content type, 400 for
     * a body that is not an object with a string {@code reason} and nothing else.
     */
    @POST
    @Path("dismissal")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response dismissWithBody(InputStream body) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireManage();
            Api.requireJson(session);
            JsonNode json = Api.readSmallJson(body);
            if (!json.isObject()) {
                throw ApiException.badRequest("The body must be a JSON object: {\"reason\": \"…\"}");
            }
            IncidentRequests.onlyFields(json, Set.of("reason"));
            JsonNode reason = json.get("reason");
            if (reason != null && !reason.isNull() && !reason.isTextual()) {
                throw ApiException.badRequest("reason must be a string");
            }
            return dismissWith(reason == null || reason.isNull() ? null : reason.asText());
        });
    }

    /** Validates the reason, then dismisses (rights on the user checked once the incident is found). */
    private Response dismissWith(String reason) {
        if (reason == null || reason.isBlank()) {
            throw ApiException.badRequest("reason is required: say why this user is not exposed");
        }
        if (reason.length() > MAX_REASON) {
            throw ApiException.badRequest("reason must be at most " + MAX_REASON + " characters");
        }
        Incident incident = IncidentResource.load(ctx, incidentKey);
        UserModel user = session.users().getUserById(ctx.realm(), userId);
        if (user != null) {
            ctx.auth().users().requireManage(user);
        }
        Flagging.Dismissal dismissal = flagging().dismiss(find(incident), Api.actor(ctx.auth()), reason.strip());
        ObjectNode json = Json.flag(dismissal.flag());
        if (dismissal.changed()) {
            ctx.success(events, OperationType.DELETE, json);
        }
        return AdminContext.ok(json);
    }

    private Flag find(Incident incident) {
        return ctx.store().findFlag(ctx.realm(), incident.key(), userId)
                .orElseThrow(() -> ApiException.notFound("A flag of user " + userId + " in incident " + incidentKey));
    }

    private Flagging flagging() {
        return new Flagging(session, ctx.realm(), SessionRevoker.byId(session, ctx.realm()));
    }

    static ApiException closed(IncidentKey incidentKey) {
        return new ApiException(Response.Status.CONFLICT, "incident_closed", "Incident " + incidentKey + " is closed: it takes no new flags");
    }
}
