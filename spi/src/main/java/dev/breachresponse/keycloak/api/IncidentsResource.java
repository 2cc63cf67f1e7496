package dev.breachresponse.keycloak.api;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Reminder;
import dev.breachresponse.keycloak.jobs.JobIntake;
import dev.breachresponse.keycloak.jobs.SubjectReader;
import dev.breachresponse.keycloak.jobs.SubmitterRights;
import dev.breachresponse.keycloak.incident.Job;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.NewIncident;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.incident.PolicyCodec;
import dev.breachresponse.keycloak.reminder.ReminderService;
import dev.breachresponse.keycloak.revocation.SessionRevoker;
import dev.breachresponse.keycloak.support.AfterCommit;

/**
 * {@code /incidents}: create, read, update and close incidents; flag, list and dismiss single users.
 * Reads need view-users, writes manage-users (and manage on the user flagged or dismissed).
 */
public final class IncidentsResource {

    static final int MAX_PAGE = 1000;
    static final int MAX_REASON = 1024;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final IncidentStore store;
    private final BulkFlags bulk;

    IncidentsResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent,
                      BulkFlags bulk) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
        this.store = session.getProvider(IncidentStore.class);
        this.bulk = bulk;
    }

    /**
     * Bulk flagging: stores every subject as a job item, answers 202 with the job, and lets the worker flag
     * them in chunks. Callers limited by fine-grained admin permissions may submit; the worker then flags
     * only users they may manage and reports the others as NOT_FOUND.
     */
    @POST
    @Path("{id}/flags")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response bulkFlag(@PathParam("id") String id, @QueryParam("dryRun") String dryRun, @QueryParam("column") String column,
                             @HeaderParam("Idempotency-Key") String idempotencyKey, InputStream body) {
        return Api.respond(session, () -> {
            if (!SubmitterRights.maySubmit(auth, realm)) {
                throw new ForbiddenException();
            }
            SubjectReader.Format format = BulkRequests.format(session.getContext().getRequestHeaders().getMediaType());
            Boolean dry = BulkRequests.dryRun(dryRun);
            String csvColumn = BulkRequests.column(column, format);
            String key = BulkRequests.idempotencyKey(idempotencyKey);
            Incident incident = incident(id);
            if (!incident.open()) {
                throw new ApiException(Response.Status.CONFLICT, "incident_closed", "Incident " + id + " is closed: it takes no new flags");
            }
            UserModel admin = auth.adminAuth().getUser();
            JobIntake.Accepted accepted = bulk.intake().accept(store.jobs(), realm, incident, body, format, dry, csvColumn, key,
                    Api.actor(auth), auth.adminAuth().getRealm().getId(), admin.getId());
            Job job = accepted.job();
            ObjectNode json = Json.job(job, incident.id());
            if (!accepted.replay()) {
                adminEvent.operation(OperationType.CREATE)
                        .resource(BreachResourceType.BREACH_FLAG_JOB.name())
                        .resourcePath(session.getContext().getUri())
                        .representation(json)
                        .success();
                AfterCommit.run(session, bulk.runner()::kick);
            }
            return Response.status(Response.Status.ACCEPTED)
                    .location(session.getContext().getUri().getBaseUriBuilder()
                            .path("admin/realms/{realm}/breach-response/jobs/{job}").build(realm.getName(), job.id()))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(json.toString())
                    .build();
        });
    }

    @GET
    @Path("{id}/jobs")
    @Produces(MediaType.APPLICATION_JSON)
    public Response jobs(@PathParam("id") String id, @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            Incident incident = incident(id);
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            store.jobs().ofIncident(realm, incident.internalId(), Api.first(first), Api.max(max, 100, MAX_PAGE))
                    .forEach(j -> out.add(Json.job(j, incident.id())));
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** The reminder outbox of one incident: what was sent, what is pending, what failed. */
    @GET
    @Path("{id}/reminders")
    @Produces(MediaType.APPLICATION_JSON)
    public Response reminders(@PathParam("id") String id, @QueryParam("state") String state,
                              @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            Incident incident = incident(id);
            Reminder.State s = Api.outboxState(state);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("incidentId", incident.id());
            ObjectNode counts = out.putObject("counts");
            store.reminders().countsOfIncident(incident.internalId()).forEach((k, v) -> counts.put(k.name(), v));
            ArrayNode items = out.putArray("reminders");
            store.reminders().ofIncident(realm, incident.internalId(), s, Api.first(first), Api.max(max, 100, MAX_PAGE))
                    .forEach(r -> items.add(Json.reminder(r)));
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** Runs the realm's reminder campaign now (all its incidents), as the scheduler would; answers what it did. */
    @POST
    @Path("{id}/reminders/run")
    @Produces(MediaType.APPLICATION_JSON)
    public Response runReminders(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            auth.users().requireManage();
            Incident incident = incident(id);
            var report = session.getProvider(ReminderService.class).runNow(realm);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("incidentId", incident.id());
            out.put("looked", report.looked());
            out.put("queued", report.queued());
            out.put("deferred", report.deferred());
            out.put("escalated", report.escalated());
            out.put("sent", report.sent());
            out.put("failed", report.failed());
            out.put("cancelled", report.cancelled());
            out.put("planMillis", report.planMillis());
            out.put("sendMillis", report.sendMillis());
            adminEvent.operation(OperationType.ACTION)
                    .resource(BreachResourceType.BREACH_REMINDER.name())
                    .resourcePath(session.getContext().getUri())
                    .representation(out)
                    .success();
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @GET
    @Path("{id}/stats")
    @Produces(MediaType.APPLICATION_JSON)
    public Response stats(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            Incident incident = incident(id);
            ObjectNode json = Json.funnel(store.funnel(realm, incident.id()));
            json.put("incidentId", incident.id());
            json.put("enforcement", incident.policy().enforcement().key);
            json.set("observed", Json.observed(store.observed(realm, incident.id())));
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @POST
    @Path("")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(InputStream body) {
        return Api.respond(session, () -> {
            auth.users().requireManage();
            requireJson();
            NewIncident request = IncidentRequests.create(Api.readSmallJson(body), Enforcement.settings(session, realm));
            IncidentStore.CreateResult result = store.createIncident(realm, request, Api.actor(auth));
            ObjectNode json = Json.incident(result.incident());
            return switch (result.outcome()) {
                case CREATED -> {
                    adminEvent.operation(OperationType.CREATE)
                            .resource(BreachResourceType.BREACH_INCIDENT.name())
                            .resourcePath(session.getContext().getUri(), request.id())
                            .representation(json)
                            .success();
                    yield Response.created(session.getContext().getUri().getAbsolutePathBuilder().path(request.id()).build())
                            .type(MediaType.APPLICATION_JSON_TYPE).entity(json.toString()).build();
                }
                case REPLAYED -> Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
                case CONFLICT -> throw new ApiException(Response.Status.CONFLICT, "conflict",
                        "Incident " + request.id() + " already exists with a different body");
            };
        });
    }

    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            var page = store.listIncidents(realm, Api.first(first), Api.max(max, 100, MAX_PAGE));
            return Response.ok(Json.incidents(page).toString(), MediaType.APPLICATION_JSON_TYPE)
                    .header("X-Total-Count", store.countIncidents(realm))
                    .build();
        });
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            return Response.ok(Json.incident(incident(id)).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") String id, InputStream body) {
        return Api.respond(session, () -> {
            auth.users().requireManage();
            requireJson();
            Incident current = incident(id);
            IncidentRequests.Update u = IncidentRequests.update(Api.readSmallJson(body));
            if (!current.open() && (u.title() != null || u.description() != null || u.policy() != null)) {
                throw new ApiException(Response.Status.CONFLICT, "incident_closed", "Incident " + id + " is closed and can no longer change");
            }
            Policy policy = null;
            if (u.policy() != null) {
                try {
                    policy = PolicyCodec.read(u.policy(), current.policy());
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest(e.getMessage());
                }
            }
            Actor actor = Api.actor(auth);
            Incident updated = store.updateIncident(realm, id, u.title(), u.description(), policy, actor);
            if (u.close()) {
                updated = store.closeIncident(realm, id, actor);
            }
            ObjectNode json = Json.incident(updated);
            adminEvent.operation(OperationType.UPDATE)
                    .resource(BreachResourceType.BREACH_INCIDENT.name())
                    .resourcePath(session.getContext().getUri())
                    .representation(json)
                    .success();
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @GET
    @Path("{id}/flags")
    @Produces(MediaType.APPLICATION_JSON)
    public Response flags(@PathParam("id") String id, @QueryParam("state") String state,
                          @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            FlagState s = null;
            if (state != null) {
                s = FlagState.parse(state);
                if (s == null) {
                    throw ApiException.badRequest("state must be one of FLAGGED, STEPPED_UP, REMEDIATED, DISMISSED");
                }
            }
            Incident incident = incident(id);
            var page = store.flagsOfIncident(realm, incident.id(), s, Api.first(first), Api.max(max, 100, MAX_PAGE));
            return Response.ok(Json.flags(page).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @GET
    @Path("{id}/flags/{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response flag(@PathParam("id") String id, @PathParam("userId") String userId) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            Incident incident = incident(id);
            Flag f = store.findFlag(realm, incident.id(), userId)
                    .orElseThrow(() -> ApiException.notFound("A flag of user " + userId + " in incident " + id));
            ObjectNode json = Json.flag(f);
            json.set("history", Json.history(store.history(f.id())));
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** Flags one user now (the bulk endpoint is for lists); revokes sessions when the policy says so. */
    @PUT
    @Path("{id}/flags/{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response flagUser(@PathParam("id") String id, @PathParam("userId") String userId) {
        return Api.respond(session, () -> {
            auth.users().requireManage();
            Incident incident = incident(id);
            UserModel user = session.users().getUserById(realm, userId);
            if (user == null) {
                throw ApiException.notFound("User " + userId);
            }
            auth.users().requireManage(user);
            if (!incident.open()) {
                throw new ApiException(Response.Status.CONFLICT, "incident_closed", "Incident " + id + " is closed: it takes no new flags");
            }
            Flagging.Flagged flagged = flagging().flag(incident, user.getId(), Api.actor(auth), "admin-api");
            IncidentStore.FlagResult result = flagged.result();
            ObjectNode json = Json.flag(result.flag());
            json.put("outcome", result.outcome().name());
            json.put("sessionsRevoked", flagged.sessionsRevoked());
            if (result.outcome() == IncidentStore.FlagOutcome.ALREADY_FLAGGED) {
                return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
            }
            adminEvent.operation(OperationType.CREATE)
                    .resource(BreachResourceType.BREACH_FLAG.name())
                    .resourcePath(session.getContext().getUri())
                    .representation(json)
                    .success();
            return Response.status(Response.Status.CREATED).type(MediaType.APPLICATION_JSON_TYPE).entity(json.toString()).build();
        });
    }

    @DELETE
    @Path("{id}/flags/{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response dismiss(@PathParam("id") String id, @PathParam("userId") String userId, @QueryParam("reason") String reason) {
        return Api.respond(session, () -> {
            auth.users().requireManage();
            if (reason == null || reason.isBlank()) {
                throw ApiException.badRequest("reason is required: say why this user is not exposed");
            }
            if (reason.length() > MAX_REASON) {
                throw ApiException.badRequest("reason must be at most " + MAX_REASON + " characters");
            }
            Incident incident = incident(id);
            UserModel user = session.users().getUserById(realm, userId);
            if (user != null) {
                auth.users().requireManage(user);
            }
            Flag f = store.findFlag(realm, incident.id(), userId)
                    .orElseThrow(() -> ApiException.notFound("A flag of user " + userId + " in incident " + id));
            Flagging.Dismissal dismissal = flagging().dismiss(f, Api.actor(auth), reason.strip());
            if (!dismissal.changed()) {
                return Response.ok(Json.flag(dismissal.flag()).toString(), MediaType.APPLICATION_JSON_TYPE).build();
            }
            ObjectNode json = Json.flag(dismissal.flag());
            adminEvent.operation(OperationType.DELETE)
                    .resource(BreachResourceType.BREACH_FLAG.name())
                    .resourcePath(session.getContext().getUri())
                    .representation(json)
                    .success();
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    private Flagging flagging() {
        return new Flagging(session, realm, SessionRevoker.byId(session, realm));
    }

    private Incident incident(String id) {
        return store.findIncident(realm, id).orElseThrow(() -> ApiException.notFound("Incident " + id));
    }

    private void requireJson() {
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw new ApiException(Response.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Send the body as application/json");
        }
    }
}
