package dev.breachresponse.keycloak.api;

import java.util.TreeMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.alert.AlertKind;
import dev.breachresponse.keycloak.alert.AlertService;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.RealmSettings;

/**
 * {@code /alerts} (docs/alerts.md): whether the realm's admin alerts are on and when each kind was last sent (GET,
 * view-realm); {@code /alerts/run} (POST, manage-realm) checks them now and sends what is due before answering.
 */
public final class AlertsResource {

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;

    AlertsResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_ALERT);
    }

    /**
     * {@code {"enabled": bool, "contact": "soc@example.com"|null, "lastSent": {"digest": epoch ms, ...}, "sent": {"digest": n, ...},
     * "sending": [kind]}}: {@code contact} is where alerts go (alerts.contact, else userReports.securityContact); a kind
     * never sent is absent from {@code lastSent}; {@code sending} lists kinds whose email is on its way.
     */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status() {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            RealmSettings settings = Enforcement.settings(session, ctx.realm());
            ObjectNode out = Json.object();
            out.put("enabled", settings.alerts().enabled() && settings.alertContact() != null);
            out.put("contact", settings.alertContact());
            ObjectNode last = out.putObject("lastSent");
            ObjectNode sent = out.putObject("sent");
            ArrayNode sending = out.putArray("sending");
            long now = Time.currentTimeMillis();
            new TreeMap<>(ctx.store().alerts().states(ctx.realm().getId())).forEach((kind, state) -> {
                if (AlertKind.byKey(kind).isEmpty()) {
                    return;
                }
                if (state.sends() > 0) {
                    // while an email is on its way, the last one that went out is the time before the claim
                    last.put(kind, state.claimedUntil() != null && state.previousSentAt() != null ? state.previousSentAt() : state.sentAt());
                    sent.put(kind, state.sends());
                }
                if (state.claimedUntil() != null && state.claimedUntil() >= now) {
                    sending.add(kind);
                }
            });
            return AdminContext.ok(out);
        });
    }

    /**
     * Checks the realm's alerts now, as the timer would, and sends what is due before answering:
     * {@code {"checked": [{"kind", "value", "threshold", "outcome": due|notDue|off|claimed}], "sent": [kind], "failed": [kind]}}.
     * {@code digest=true} sends the daily digest now whatever the hour, at most once a minute (after the day's hour it
     * counts as that day's digest). 400 for a
     * {@code digest} other than true or false; 409 {@code alerts_off} when the realm's alerts are off.
     */
    @POST
    @Path("run")
    @Produces(MediaType.APPLICATION_JSON)
    public Response run(@QueryParam("digest") String digest) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            if (digest != null && !digest.equals("true") && !digest.equals("false")) {
                throw ApiException.badRequest("digest must be true or false");
            }
            RealmSettings settings = Enforcement.settings(session, ctx.realm());
            if (!settings.alerts().enabled() || settings.alertContact() == null) {
                throw new ApiException(Response.Status.CONFLICT, "alerts_off", "admin alerts are off in this realm; switch them on with PUT"
                        + " .../breach-response/config {\"alerts\": {\"enabled\": true, \"contact\": \"soc@example.com\"}}");
            }
            AlertService.RunReport r = session.getProvider(AlertService.class).runNow(ctx.realm(), "true".equals(digest));
            if (r.failed() == null) {
                throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "alerts_check_failed",
                        "the check of this realm's admin alerts failed (the server log names the cause); try again");
            }
            if (!r.enabled()) {
                throw new ApiException(Response.Status.CONFLICT, "alerts_off", "admin alerts were switched off in this realm meanwhile");
            }
            ObjectNode out = Json.object();
            ArrayNode checked = out.putArray("checked");
            r.checked().forEach(c -> {
                ObjectNode n = checked.addObject();
                n.put("kind", c.kind().key);
                n.put("value", c.value());
                n.put("threshold", c.threshold());
                n.put("outcome", c.outcome());
            });
            r.sent().forEach(out.putArray("sent")::add);
            r.failed().forEach(out.putArray("failed")::add);
            ctx.success(events, OperationType.ACTION, out);
            return AdminContext.ok(out);
        });
    }
}
