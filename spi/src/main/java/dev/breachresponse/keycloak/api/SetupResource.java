package dev.breachresponse.keycloak.api;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.setup.BreachSetup;
import dev.breachresponse.keycloak.setup.ConsoleClient;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.setup.EnforcementAudit;
import dev.breachresponse.keycloak.incident.EnforcementGaps;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.RealmSettings;

/**
 * {@code /setup}: patch the realm's flows for breach enforcement, idempotently (POST, manage-realm), and
 * where enforcement runs, where it does not, and logins the backstop refused (GET, view-realm).
 */
public final class SetupResource {

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;

    SetupResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_SETUP);
    }

    @POST
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setup() {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            BreachSetup.Report report = new BreachSetup(session, ctx.realm()).run();
            ObjectNode json = Json.object();
            json.put("changed", !report.changes().isEmpty());
            report.changes().forEach(json.putArray("changes")::add);
            report.warnings().forEach(json.putArray("notPatched")::add);
            json.put("adminEventsEnabled", report.adminEventsEnabled());
            ObjectNode flows = json.putObject("flows");
            report.flows().forEach(flows::put);
            json.put("consoleUrl", report.consoleUrl());
            if (!report.changes().isEmpty()) {
                ctx.success(events, OperationType.UPDATE, json);
            }
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /**
     * Setup status (view-realm): every login entry point of the realm as it is now and whether the breach step-up
     * runs there ({@link EnforcementAudit}), and the paths where the backstop refused a flagged user's login
     * (newest first, at most 100), and the incident console ({@link ConsoleClient}). Shape: {@code {"enforcedEverywhere":
     * bool, "gaps": [entry], "entryPoints": [entry], "refusedLogins": [{"path", "firstSeenAt", "lastSeenAt", "refused"}],
     * "console": {"client": bool, "url": string}}}, an entry being
     * {@code {"kind", "name", "flow", "covered", "detail"}}; times in epoch milliseconds.
     */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setupStatus() {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            IncidentStore store = ctx.store();
            List<EnforcementAudit.EntryPoint> entryPoints = new EnforcementAudit(session, ctx.realm()).entryPoints();
            ObjectNode json = Json.object();
            json.put("enforcedEverywhere", entryPoints.stream().allMatch(EnforcementAudit.EntryPoint::covered));
            ArrayNode gaps = json.putArray("gaps");
            ArrayNode all = json.putArray("entryPoints");
            for (EnforcementAudit.EntryPoint e : entryPoints) {
                ObjectNode n = all.addObject();
                n.put("kind", e.kind());
                n.put("name", e.name());
                n.put("flow", e.flow());
                n.put("covered", e.covered());
                n.put("detail", e.detail());
                if (!e.covered()) {
                    gaps.add(n.deepCopy());
                }
            }
            // what lets flagged users through on purpose: the realm's default mode, open report-only incidents, break-glass
            RealmSettings settings = Enforcement.settings(session, ctx.realm());
            json.put("enforcementDefault", settings.enforcement().key);
            ArrayNode reportOnly = json.putArray("reportOnlyIncidents");
            store.listIncidents(ctx.realm(), 0, 1000).stream()
                    .filter(i -> i.open() && i.policy().reportOnly())
                    .forEach(i -> reportOnly.add(i.key().value()));
            ObjectNode breakGlass = json.putObject("breakGlass");
            settings.breakGlass().roles().forEach(breakGlass.putArray("roles")::add);
            settings.breakGlass().groups().forEach(breakGlass.putArray("groups")::add);
            ArrayNode refused = json.putArray("refusedLogins");
            for (EnforcementGaps.Gap g : store.gaps().list(ctx.realm().getId(), 100)) {
                refused.addObject().put("path", g.path()).put("firstSeenAt", g.firstSeenAt())
                        .put("lastSeenAt", g.lastSeenAt()).put("refused", g.refused());
            }
            ConsoleClient.Status console = ConsoleClient.status(session, ctx.realm());
            json.putObject("console").put("client", console.client()).put("url", console.url());
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }
}
