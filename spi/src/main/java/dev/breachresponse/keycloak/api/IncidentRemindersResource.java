package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.Incident;

/**
 * {@code /incidents/{id}/reminders}: the incident's reminder outbox (GET, view-users). {@code POST .../run} is kept
 * for callers written before {@code POST /reminders/run}: it runs the whole realm's campaign, as it always did,
 * and says so with a {@code Deprecation} header (RFC 9745) and a {@code Link} to its successor.
 */
public final class IncidentRemindersResource {

    /** When the realm-level {@code POST /reminders/run} replaced this path: 2026-12-01T00:00:00Z (RFC 9745 §2.1). */
    static final long DEPRECATED_AT = 1_796_083_200L;

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;
    private final IncidentKey incidentKey;

    IncidentRemindersResource(AdminContext ctx, IncidentKey incidentKey) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_REMINDER);
        this.incidentKey = incidentKey;
    }

    /** The reminder outbox of one incident: what was sent, what is pending, what failed (newest first). */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("state") String state, @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            Incident incident = IncidentResource.load(ctx, incidentKey);
            OutboxState s = Api.outboxState(state);
            ObjectNode out = Json.object();
            out.put("incidentId", incident.key().value());
            ObjectNode counts = out.putObject("counts");
            ctx.store().reminders().countsOfIncident(incident.rowId()).forEach((k, v) -> counts.put(k.name(), v));
            ArrayNode items = out.putArray("reminders");
            ctx.store().reminders().ofIncident(ctx.realm(), incident.rowId(), s, Api.first(first),
                            Api.max(max, 100, IncidentsResource.MAX_PAGE))
                    .forEach(r -> items.add(Json.reminder(r)));
            return AdminContext.ok(out);
        });
    }

    /**
     * Deprecated: use {@code POST /reminders/run}. Runs the realm's campaign (all incidents, not only this one) and
     * answers as that does, plus {@code incidentKey}; 404 when the incident does not exist.
     */
    @Deprecated
    @POST
    @Path("run")
    @Produces(MediaType.APPLICATION_JSON)
    public Response run() {
        return Api.respond(session, () -> {
            ctx.auth().users().requireManage();
            Incident incident = IncidentResource.load(ctx, incidentKey);
            ObjectNode out = RemindersResource.run(ctx);
            out.put("incidentId", incident.key().value());
            ctx.success(events, OperationType.ACTION, out);
            String successor = session.getContext().getUri().getBaseUriBuilder()
                    .path("admin/realms/{realm}/breach-response/reminders/run").build(ctx.realm().getName()).toString();
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE)
                    .header("Deprecation", "@" + DEPRECATED_AT)
                    .header("Link", "<" + successor + ">; rel=\"successor-version\"")
                    .build();
        });
    }
}
