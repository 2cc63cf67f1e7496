package dev.breachresponse.keycloak.api;

import java.io.InputStream;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.LogoutOutbox;
import dev.breachresponse.keycloak.reminder.ReminderService;
import dev.breachresponse.keycloak.setup.BreachSetup;
import dev.breachresponse.keycloak.incident.BreakGlass;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.setup.EnforcementAudit;
import dev.breachresponse.keycloak.incident.EnforcementGaps;
import dev.breachresponse.keycloak.incident.HygieneStore;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Reminder;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.RealmSettingsCodec;

/**
 * {@code /setup} (POST, manage-realm): patch the realm's flows for breach enforcement, idempotently; (GET,
 * view-realm) setup status: where enforcement runs, where it does not, and logins the backstop refused;
 * {@code /config} (GET view-realm, PUT manage-realm): the realm defaults; {@code /hygiene} (GET view-users, and
 * {@code /hygiene/run} POST manage-users): the hygiene campaign's walk and emails; {@code /logouts} (GET view-users): the
 * back-channel logouts owed to clients.
 */
public final class SetupResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    SetupResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @POST
    @Path("setup")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setup() {
        return Api.respond(session, () -> {
            auth.realm().requireManageRealm();
            BreachSetup.Report report = new BreachSetup(session, realm).run();
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("changed", !report.changes().isEmpty());
            report.changes().forEach(json.putArray("changes")::add);
            report.warnings().forEach(json.putArray("notPatched")::add);
            json.put("adminEventsEnabled", report.adminEventsEnabled());
            ObjectNode flows = json.putObject("flows");
            report.flows().forEach(flows::put);
            if (!report.changes().isEmpty()) {
                adminEvent.operation(OperationType.UPDATE)
                        .resource(BreachResourceType.BREACH_SETUP.name())
                        .resourcePath(session.getContext().getUri())
                        .representation(json)
                        .success();
            }
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /**
     * Setup status (view-realm): every login entry point of the realm as it is now and whether the breach step-up
     * runs there ({@link EnforcementAudit}), and the paths where the backstop refused a flagged user's login
     * (newest first, at most 100). Shape: {@code {"enforcedEverywhere": bool, "gaps": [entry], "entryPoints":
     * [entry], "refusedLogins": [{"path", "firstSeenAt", "lastSeenAt", "refused"}]}}, an entry being
     * {@code {"kind", "name", "flow", "covered", "detail"}}; times in epoch milliseconds.
     */
    @GET
    @Path("setup")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setupStatus() {
        return Api.respond(session, () -> {
            auth.realm().requireViewRealm();
            IncidentStore store = session.getProvider(IncidentStore.class);
            List<EnforcementAudit.EntryPoint> entryPoints = new EnforcementAudit(session, realm).entryPoints();
            ObjectNode json = JsonNodeFactory.instance.objectNode();
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
            RealmSettings settings = Enforcement.settings(session, realm);
            json.put("enforcementDefault", settings.enforcement().key);
            ArrayNode reportOnly = json.putArray("reportOnlyIncidents");
            store.listIncidents(realm, 0, 1000).stream()
                    .filter(i -> i.open() && i.policy().reportOnly())
                    .forEach(i -> reportOnly.add(i.id()));
            ObjectNode breakGlass = json.putObject("breakGlass");
            settings.breakGlass().roles().forEach(breakGlass.putArray("roles")::add);
            settings.breakGlass().groups().forEach(breakGlass.putArray("groups")::add);
            ArrayNode refused = json.putArray("refusedLogins");
            for (EnforcementGaps.Gap g : store.gaps().list(realm.getId(), 100)) {
                refused.addObject().put("path", g.path()).put("firstSeenAt", g.firstSeenAt())
                        .put("lastSeenAt", g.lastSeenAt()).put("refused", g.refused());
            }
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @GET
    @Path("config")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getConfig() {
        return Api.respond(session, () -> {
            auth.realm().requireViewRealm();
            return Response.ok(RealmSettingsCodec.toJson(Enforcement.settings(session, realm)).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @PUT
    @Path("config")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response putConfig(InputStream body) {
        return Api.respond(session, () -> {
            auth.realm().requireManageRealm();
            RealmSettings settings;
            try {
                settings = RealmSettingsCodec.read(Api.readSmallJson(body));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            for (String role : settings.breakGlass().roles()) {
                if (BreakGlass.role(realm, role) == null) {
                    throw ApiException.badRequest("breakGlass.roles: this realm has no role '" + role + "' (a realm role, or clientId/role for a client role)");
                }
            }
            for (String group : settings.breakGlass().groups()) {
                if (!BreakGlass.groupExists(session, realm, group)) {
                    throw ApiException.badRequest("breakGlass.groups: this realm has no group '" + group + "' (a path such as /break-glass)");
                }
            }
            ObjectNode json = RealmSettingsCodec.toJson(settings);
            session.getProvider(IncidentStore.class).saveRealmConfig(realm, json.toString(), Api.actor(auth));
            adminEvent.operation(OperationType.UPDATE)
                    .resource(BreachResourceType.BREACH_CONFIG.name())
                    .resourcePath(session.getContext().getUri())
                    .representation(json)
                    .success();
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** Where the realm's hygiene walk stands, its emails per state, and a page of them (newest first). */
    @GET
    @Path("hygiene")
    @Produces(MediaType.APPLICATION_JSON)
    public Response hygiene(@QueryParam("state") String state, @QueryParam("first") Integer first,
                            @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            Reminder.State s = Api.outboxState(state);
            HygieneStore store = session.getProvider(IncidentStore.class).hygiene();
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            RealmSettings.Hygiene h = Enforcement.settings(session, realm).hygiene();
            out.put("enabled", h.on());
            out.set("walk", Json.walk(store.walk(realm.getId()).orElse(HygieneStore.Walk.NEW)));
            ObjectNode counts = out.putObject("counts");
            store.counts(realm.getId()).forEach((k, v) -> counts.put(k.name(), v));
            ArrayNode items = out.putArray("emails");
            store.list(realm.getId(), s, Api.first(first), Api.max(max, 100, 1000)).forEach(n -> items.add(Json.nudge(n)));
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /**
     * Back-channel logouts owed to clients after revocations (bulk jobs, single flags, escalation): counts per
     * state and a page of rows, newest first. FAILED rows are retried on the job poll (after 1, 4, 9 and 16
     * minutes); a row still FAILED after its last attempt stays so until purged with the job items.
     */
    @GET
    @Path("logouts")
    @Produces(MediaType.APPLICATION_JSON)
    public Response logouts(@QueryParam("state") String state, @QueryParam("first") Integer first,
                            @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            Reminder.State s = Api.outboxState(state);
            LogoutOutbox outbox = session.getProvider(IncidentStore.class).logouts();
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ObjectNode counts = out.putObject("counts");
            outbox.counts(realm.getId()).forEach((k, v) -> counts.put(k.name(), v));
            ArrayNode items = out.putArray("logouts");
            outbox.list(realm.getId(), s, Api.first(first), Api.max(max, 100, 1000)).forEach(e -> {
                ClientModel c = realm.getClientById(e.clientId());
                items.add(Json.logout(e, c == null ? null : c.getClientId()));
            });
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** Runs the next slice of the realm's hygiene walk now, as the scheduler would, then sends; answers what it did. */
    @POST
    @Path("hygiene/run")
    @Produces(MediaType.APPLICATION_JSON)
    public Response runHygiene() {
        return Api.respond(session, () -> {
            auth.users().requireManage();
            if (!Enforcement.settings(session, realm).hygiene().on()) {
                throw new ApiException(Response.Status.CONFLICT, "hygiene_off",
                        "the hygiene campaign is off in this realm; switch it on with PUT .../breach-response/config {\"hygiene\": {\"mfaNudges\": true}}");
            }
            var r = session.getProvider(ReminderService.class).runHygieneNow(realm);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
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
            adminEvent.operation(OperationType.ACTION)
                    .resource(BreachResourceType.BREACH_HYGIENE.name())
                    .resourcePath(session.getContext().getUri())
                    .representation(out)
                    .success();
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }
}
