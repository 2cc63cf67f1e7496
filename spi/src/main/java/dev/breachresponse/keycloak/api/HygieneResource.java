package dev.breachresponse.keycloak.api;

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
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.reminder.ReminderService;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.HygieneStore;
import dev.breachresponse.keycloak.incident.RealmSettings;

/**
 * {@code /hygiene}: the hygiene campaign's walk and emails (GET, view-users); {@code /hygiene/run} (POST,
 * manage-users) runs its next slice now.
 */
public final class HygieneResource {

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;

    HygieneResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_HYGIENE);
    }

    /** Where the realm's hygiene walk stands, its emails per state, and a page of them (newest first). */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response hygiene(@QueryParam("state") String state, @QueryParam("first") Integer first,
                            @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            OutboxState s = Api.outboxState(state);
            HygieneStore store = ctx.store().hygiene();
            ObjectNode out = Json.object();
            RealmSettings.Hygiene h = Enforcement.settings(session, ctx.realm()).hygiene();
            out.put("enabled", h.on());
            out.set("walk", Json.walk(store.walk(ctx.realm().getId()).orElse(HygieneStore.Walk.NEW)));
            ObjectNode counts = out.putObject("counts");
            store.counts(ctx.realm().getId()).forEach((k, v) -> counts.put(k.name(), v));
            ArrayNode items = out.putArray("emails");
            store.list(ctx.realm().getId(), s, Api.first(first), Api.max(max, 100, 1000)).forEach(n -> items.add(Json.nudge(n)));
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** Runs the next slice of the realm's hygiene walk now, as the scheduler would, then sends; answers what it did. */
    @POST
    @Path("run")
    @Produces(MediaType.APPLICATION_JSON)
    public Response runHygiene() {
        return Api.respond(session, () -> {
            ctx.auth().users().requireManage();
            if (!Enforcement.settings(session, ctx.realm()).hygiene().on()) {
                throw new ApiException(Response.Status.CONFLICT, "hygiene_off",
                        "the hygiene campaign is off in this realm; switch it on with PUT .../breach-response/config {\"hygiene\": {\"mfaNudges\": true}}");
            }
            var r = session.getProvider(ReminderService.class).runHygieneNow(ctx.realm());
            ObjectNode out = Json.object();
            out.put("walking", r.walking());
            out.put("walked", r.walked());
            out.put("queued", r.queued());
            out.put("passStarted", r.passStarted());
            out.put("passFinished", r.passFinished());
            out.put("sent", r.sent());
            out.put("failed", r.failed());
            out.put("cancelled", r.cancelled());
            out.put("walkMillis", r.walkMillis());
            out.put("sendMillis", r.sendMillis());
            ctx.success(events, OperationType.ACTION, out);
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }
}
