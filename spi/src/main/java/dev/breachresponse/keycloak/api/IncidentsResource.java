package dev.breachresponse.keycloak.api;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.NewIncident;

/**
 * {@code /incidents}: create (manage-users) and list (view-users) the realm's incidents; {@code /incidents/{id}}
 * leads to {@link IncidentResource}.
 */
public final class IncidentsResource {

    static final int MAX_PAGE = 1000;

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;

    IncidentsResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_INCIDENT);
    }

    /**
     * Creates an incident from {@code {"id", "title", "description"?, "exposedData": [...], "policy"?}}; 201 with
     * the incident, 200 when the same body is replayed, 409 when the id exists with another body.
     */
    @POST
    @Path("")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(InputStream body) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireManage();
            Api.requireJson(session);
            NewIncident request = IncidentRequests.create(Api.readSmallJson(body), Enforcement.settings(session, ctx.realm()));
            IncidentStore.CreateResult result = ctx.store().createIncident(ctx.realm(), request, Api.actor(ctx.auth()));
            ObjectNode json = Json.incident(result.incident());
            return switch (result.outcome()) {
                case CREATED -> {
                    events.operation(OperationType.CREATE)
                            .resourcePath(session.getContext().getUri(), request.key().value())
                            .representation(json)
                            .success();
                    yield Response.created(session.getContext().getUri().getAbsolutePathBuilder().path(request.key().value()).build())
                            .type(MediaType.APPLICATION_JSON_TYPE).entity(json.toString()).build();
                }
                case REPLAYED -> AdminContext.ok(json);
                case CONFLICT -> throw new ApiException(Response.Status.CONFLICT, "conflict",
                        "Incident " + request.key() + " already exists with a different body");
            };
        });
    }

    /**
     * A page of the realm's incidents, newest first, each with its flags per state, the share remediated and its
     * last activity (read for the whole page at once, {@link IncidentStore#activity}); {@code X-Total-Count} gives
     * how many incidents there are.
     */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            var page = ctx.store().listIncidents(ctx.realm(), Api.first(first), Api.max(max, 100, MAX_PAGE));
            var activity = ctx.store().activity(ctx.realm(), page);
            return Response.ok(Json.incidents(page, activity).toString(), MediaType.APPLICATION_JSON_TYPE)
                    .header("X-Total-Count", ctx.store().countIncidents(ctx.realm()))
                    .build();
        });
    }

    /** One incident; nothing is looked up here, so that every handler checks the caller's rights first. */
    @Path("{id}")
    public IncidentResource incident(@PathParam("id") String id) {
        return new IncidentResource(ctx, new IncidentKey(id));
    }
}
