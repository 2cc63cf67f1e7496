package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.reminder.ReminderService;

/**
 * {@code /reminders}: the realm's reminder campaign, which covers all its open incidents. {@code POST /run}
 * (manage-users) runs it now, as the scheduler would, and answers what it did.
 */
public final class RemindersResource {

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;

    RemindersResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_REMINDER);
    }

    /**
     * Runs the planner once (a batch of due flags of every open incident) and then the sender. Shape:
     * {@code {"looked", "queued", "deferred", "escalated", "sent", "failed", "cancelled", "planMillis", "sendMillis"}},
     * counts of this run and its durations in milliseconds; see docs/reminders.md.
     */
    @POST
    @Path("run")
    @Produces(MediaType.APPLICATION_JSON)
    public Response run() {
        return Api.respond(session, () -> {
            ctx.auth().users().requireManage();
            ObjectNode out = run(ctx);
            ctx.success(events, OperationType.ACTION, out);
            return AdminContext.ok(out);
        });
    }

    /** Runs the realm's campaign and renders its report; the caller has checked manage-users. */
    static ObjectNode run(AdminContext ctx) {
        ReminderService.RunReport report = ctx.session().getProvider(ReminderService.class).runNow(ctx.realm());
        ObjectNode out = Json.object();
        out.put("looked", report.looked());
        out.put("queued", report.queued());
        out.put("deferred", report.deferred());
        out.put("escalated", report.escalated());
        out.put("sent", report.sent());
        out.put("failed", report.failed());
        out.put("cancelled", report.cancelled());
        out.put("planMillis", report.planMillis());
        out.put("sendMillis", report.sendMillis());
        return out;
    }
}
