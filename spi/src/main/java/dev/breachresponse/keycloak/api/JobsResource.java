package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.ItemOutcome;
import dev.breachresponse.keycloak.incident.Job;

/**
 * {@code /jobs/{jobId}}: progress, per-item outcomes and cancellation of bulk flag jobs. Readable with
 * view-users, or by the caller who submitted the job; cancelling needs manage-users or being the submitter.
 */
public final class JobsResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder events;
    private final IncidentStore store;

    JobsResource(AdminContext ctx) {
        this.session = ctx.session();
        this.realm = ctx.realm();
        this.auth = ctx.auth();
        this.events = ctx.events(BreachResourceType.BREACH_FLAG_JOB);
        this.store = ctx.store();
    }

    @GET
    @Path("{jobId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("jobId") String jobId) {
        return Api.respond(session, () -> {
            Job job = readable(requireReader(), jobId);
            return Response.ok(Json.job(job, incidentKey(job)).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @GET
    @Path("{jobId}/items")
    @Produces(MediaType.APPLICATION_JSON)
    public Response items(@PathParam("jobId") String jobId, @QueryParam("outcome") String outcome,
                          @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            boolean viewAll = requireReader();
            ItemOutcome o = null;
            if (outcome != null) {
                o = ItemOutcome.parse(outcome);
                if (o == null) {
                    throw ApiException.badRequest("outcome must be one of FLAGGED, ALREADY_FLAGGED, NOT_FOUND, INVALID, AMBIGUOUS");
                }
            }
            int f = Api.first(first);
            int m = Api.max(max, 100, IncidentsResource.MAX_PAGE);
            Job job = readable(viewAll, jobId);
            return Response.ok(Json.items(store.jobs().items(job.id(), o, f, m)).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @DELETE
    @Path("{jobId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response cancel(@PathParam("jobId") String jobId) {
        return Api.respond(session, () -> {
            Job job = readable(requireReader(), jobId);
            if (!auth.users().canManage() && !Api.actor(auth).equals(job.createdBy())) {
                throw new ApiException(Response.Status.FORBIDDEN, "forbidden", "The caller lacks the permission this operation needs");
            }
            boolean cancelled = store.jobs().cancel(realm, jobId);
            Job now = store.jobs().find(realm, jobId).orElseThrow();
            if (cancelled) {
                events.operation(OperationType.DELETE)
                        .resourcePath(session.getContext().getUri())
                        .representation(Json.job(now, incidentKey(now)))
                        .success();
            }
            return Response.ok(Json.job(now, incidentKey(now)).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    /** The job, after {@link #requireReader()}: any job with view-users ({@code viewAll}), else only the caller's own. */
    private Job readable(boolean viewAll, String jobId) {
        Job job = store.jobs().find(realm, jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
        if (!viewAll && !Api.actor(auth).equals(job.createdBy())) {
            throw ApiException.notFound("Job " + jobId);
        }
        return job;
    }

    /**
     * Permission first: 403 unless the caller may view users, or query them (what a submitter without view-users
     * holds); answers whether the caller may view users (and so every job).
     */
    private boolean requireReader() {
        boolean viewAll = auth.users().canView();
        if (!viewAll && !auth.users().canQuery()) {
            throw new ApiException(Response.Status.FORBIDDEN, "forbidden", "The caller lacks the permission this operation needs");
        }
        return viewAll;
    }

    private IncidentKey incidentKey(Job job) {
        return store.findIncident(realm, job.incidentRowId()).map(Incident::key).orElse(null);
    }
}
