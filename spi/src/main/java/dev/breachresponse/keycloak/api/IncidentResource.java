package dev.breachresponse.keycloak.api;

import java.io.InputStream;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.DailyFunnel;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentActivity;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.incident.PolicyCodec;

/**
 * {@code /incidents/{id}}: read (view-users), update or close (manage-users), its funnel ({@code /stats}, and per
 * day {@code /stats/daily}) and jobs; {@code /flags} and {@code /reminders} lead to {@link IncidentFlagsResource} and
 * {@link IncidentRemindersResource}. The incident is looked up only after the handler has checked the caller's
 * rights, so an unknown id answers 404 only to callers who may read incidents.
 */
public final class IncidentResource {

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;
    private final IncidentKey key;

    IncidentResource(AdminContext ctx, IncidentKey key) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_INCIDENT);
        this.key = key;
    }

    /** The incident with its flags per state, the share remediated and its last activity ({@link Json#incident(Incident, IncidentActivity)}). */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            Incident incident = load(ctx, key);
            IncidentActivity activity = ctx.store().activity(ctx.realm(), List.of(incident))
                    .getOrDefault(incident.rowId(), IncidentActivity.NONE);
            return AdminContext.ok(Json.incident(incident, activity));
        });
    }

    /**
     * Changes {@code title}, {@code description} or {@code policy} (merged over the current one) of an open
     * incident, and closes it with {@code "status": "CLOSED"}; 409 {@code incident_closed} for a change to a
     * closed incident.
     */
    @PUT
    @Path("")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(InputStream body) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireManage();
            Api.requireJson(session);
            Incident current = load(ctx, key);
            IncidentRequests.Update u = IncidentRequests.update(Api.readSmallJson(body));
            if (!current.open() && (u.title() != null || u.description() != null || u.policy() != null)) {
                throw new ApiException(Response.Status.CONFLICT, "incident_closed", "Incident " + key + " is closed and can no longer change");
            }
            Policy policy = null;
            if (u.policy() != null) {
                try {
                    policy = PolicyCodec.read(u.policy(), current.policy());
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest(e.getMessage());
                }
            }
            Actor actor = Api.actor(ctx.auth());
            Incident updated = ctx.store().updateIncident(ctx.realm(), key, u.title(), u.description(), policy, actor);
            if (u.close()) {
                updated = ctx.store().closeIncident(ctx.realm(), key, actor);
            }
            ObjectNode json = Json.incident(updated);
            ctx.success(events, OperationType.UPDATE, json);
            return AdminContext.ok(json);
        });
    }

    /** The incident's funnel: flags per state, how they got there, and what logins observed. */
    @GET
    @Path("stats")
    @Produces(MediaType.APPLICATION_JSON)
    public Response stats() {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            Incident incident = load(ctx, key);
            ObjectNode json = Json.funnel(ctx.store().funnel(ctx.realm(), incident.key()));
            json.put("incidentId", incident.key().value());
            json.put("enforcement", incident.policy().enforcement().key);
            json.set("observed", Json.observed(ctx.store().observed(ctx.realm(), incident.key())));
            return AdminContext.ok(json);
        });
    }

    /**
     * The funnel over time: per UTC day since the incident was created, how many flags entered each state that day
     * (grouped in the database from the flags' history), zeros included, up to today and at most
     * {@value DailyFunnel#MAX_DAYS} days (the newest), with the running totals. Times are Keycloak's
     * ({@link Time}), so its time offset moves "today".
     */
    @GET
    @Path("stats/daily")
    @Produces(MediaType.APPLICATION_JSON)
    public Response daily() {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            Incident incident = load(ctx, key);
            long origin = DailyFunnel.originOf(incident.createdAt());
            DailyFunnel funnel = DailyFunnel.of(incident.createdAt(), Time.currentTimeMillis(),
                    ctx.store().dailyTransitions(ctx.realm(), incident, origin));
            return AdminContext.ok(Json.dailyFunnel(incident.key(), funnel));
        });
    }

    /** The incident's bulk flag jobs, newest first. */
    @GET
    @Path("jobs")
    @Produces(MediaType.APPLICATION_JSON)
    public Response jobs(@QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            Incident incident = load(ctx, key);
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            ctx.store().jobs().ofIncident(ctx.realm(), incident.rowId(), Api.first(first),
                            Api.max(max, 100, IncidentsResource.MAX_PAGE))
                    .forEach(j -> out.add(Json.job(j, incident.key())));
            return AdminContext.ok(out);
        });
    }

    @Path("flags")
    public IncidentFlagsResource flags() {
        return new IncidentFlagsResource(ctx, key);
    }

    @Path("reminders")
    public IncidentRemindersResource reminders() {
        return new IncidentRemindersResource(ctx, key);
    }

    /** The incident with the caller's {@code key} in the realm, else 404; call only after the rights check. */
    static Incident load(AdminContext ctx, IncidentKey key) {
        return ctx.store().findIncident(ctx.realm(), key).orElseThrow(() -> ApiException.notFound("Incident " + key));
    }
}
