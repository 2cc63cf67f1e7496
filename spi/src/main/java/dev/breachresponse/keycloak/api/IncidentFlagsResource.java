package dev.breachresponse.keycloak.api;

import java.io.InputStream;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.FlagFilter;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.Job;
import dev.breachresponse.keycloak.jobs.JobIntake;
import dev.breachresponse.keycloak.jobs.JobService;
import dev.breachresponse.keycloak.jobs.SubjectReader;
import dev.breachresponse.keycloak.jobs.SubmitterRights;

/**
 * {@code /incidents/{id}/flags}: bulk flagging (POST, a job), the incident's flags (GET, view-users) and their CSV
 * export ({@code /flags/export}, view-users); {@code /flags/{userId}} leads to {@link FlagResource}.
 */
public final class IncidentFlagsResource {

    /** Where a count filtered by {@code q} stops (then {@code X-Total-Count-Capped: true}). */
    static final long COUNT_CAP = 10_000;

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;
    private final IncidentKey incidentKey;

    IncidentFlagsResource(AdminContext ctx, IncidentKey incidentKey) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_FLAG_JOB);
        this.incidentKey = incidentKey;
    }

    /**
     * Bulk flagging: stores every subject as a job item, answers 202 with the job and its {@code Location}, and lets
     * the worker flag them in chunks. Callers limited by fine-grained admin permissions may submit; the worker then
     * flags only users they may manage and reports the others as NOT_FOUND. Body: CSV, NDJSON or a JSON array
     * (see docs/api.md); 413 beyond the server's caps, 422 for an Idempotency-Key reused with another body.
     */
    @POST
    @Path("")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response bulkFlag(@QueryParam("dryRun") String dryRun, @QueryParam("column") String column,
                             @HeaderParam("Idempotency-Key") String idempotencyKey, InputStream body) {
        return Api.respond(session, () -> {
            if (!SubmitterRights.maySubmit(ctx.auth(), ctx.realm())) {
                throw new ForbiddenException();
            }
            SubjectReader.Format format = BulkRequests.format(session.getContext().getRequestHeaders().getMediaType());
            Boolean dry = BulkRequests.dryRun(dryRun);
            String csvColumn = BulkRequests.column(column, format);
            String key = BulkRequests.idempotencyKey(idempotencyKey);
            Incident incident = IncidentResource.load(ctx, incidentKey);
            if (!incident.open()) {
                throw FlagResource.closed(incidentKey);
            }
            JobService jobs = session.getProvider(JobService.class);
            if (!jobs.started()) {
                throw ApiException.unavailable("starting", "Breach Response is still starting on this node; retry in a moment", 5);
            }
            UserModel admin = ctx.auth().adminAuth().getUser();
            JobIntake.Accepted accepted = jobs.intake().accept(ctx.store().jobs(), ctx.realm(), incident, body, format, dry,
                    csvColumn, key, Api.actor(ctx.auth()), ctx.auth().adminAuth().getRealm().getId(), admin.getId(),
                    ctx.auth().adminAuth().getToken().getIssuedFor());
            Job job = accepted.job();
            ObjectNode json = Json.job(job, incident.key());
            if (!accepted.replay()) {
                ctx.success(events, OperationType.CREATE, json);
                jobs.kickAfterCommit();
            }
            return Response.status(Response.Status.ACCEPTED)
                    .location(session.getContext().getUri().getBaseUriBuilder()
                            .path("admin/realms/{realm}/breach-response/jobs/{job}").build(ctx.realm().getName(), job.id()))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(json.toString())
                    .build();
        });
    }

    /**
     * A page of the incident's flags, oldest first, each with the user's {@code username} and {@code email}:
     * {@code state} one state or {@code open} (FLAGGED and STEPPED_UP), {@code q} a case-insensitive prefix of the
     * username or email (1 to {@value Api#MAX_PREFIX} characters). {@code X-Total-Count} counts the flags the same
     * filter selects; with {@code q} the count stops at {@value #COUNT_CAP}, and for a {@code q} that matches more
     * than 500 users by username or by email (a one-letter prefix in a large
     * realm) it is not counted past this page. {@code X-Total-Count-Capped: true} says that there are more than
     * {@code X-Total-Count} (for the broad search: that another page follows).
     */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("state") String state, @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            FlagFilter filter = new FlagFilter(Api.flagStates(state), Api.prefix(Api.rawQueryParam(session, "q")));
            int from = Api.first(first);
            int size = Api.max(max, 100, IncidentsResource.MAX_PAGE);
            Incident incident = IncidentResource.load(ctx, incidentKey);
            var page = ctx.store().listFlags(ctx.realm(), incident, filter, from, size,
                    filter.prefix() == null ? Long.MAX_VALUE : COUNT_CAP + 1);
            boolean capped = page.capped();
            Response.ResponseBuilder ok = Response.ok(Json.listedFlags(page.flags()).toString(), MediaType.APPLICATION_JSON_TYPE)
                    .header("X-Total-Count", page.total());
            if (capped) {
                ok.header("X-Total-Count-Capped", "true");
            }
            return ok.build();
        });
    }

    /**
     * The incident's flags as a CSV download for outreach ({@link FlagsCsv}: {@code userId,username,email,state,
     * flaggedAt}, streamed in keyset pages with flat memory), optionally of one {@code state} or the {@code open}
     * ones; {@code X-Total-Count} is how many the export holds as it starts. Rights, parameters and the incident
     * are checked before anything is streamed; errors are JSON.
     */
    @GET
    @Path("export")
    @Produces({FlagsCsv.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response export(@QueryParam("state") String state) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            Set<FlagState> states = Api.flagStates(state);
            FlagsCsv.Start start = FlagsCsv.start(session.getKeycloakSessionFactory(), ctx.realm().getId(), incidentKey, states);
            if (start == null) {
                throw ApiException.notFound("Incident " + incidentKey);
            }
            return Response.ok(new FlagsCsv(session.getKeycloakSessionFactory(), ctx.realm().getId(), start.incident(), states))
                    .type(FlagsCsv.MEDIA_TYPE + "; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"" + start.key().value() + "-flags.csv\"")
                    .header("Cache-Control", "no-store")
                    .header("X-Total-Count", start.total())
                    .build();
        });
    }

    @Path("{userId}")
    public FlagResource flag(@PathParam("userId") String userId) {
        return new FlagResource(ctx, incidentKey, userId);
    }
}
