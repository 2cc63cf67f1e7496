package dev.breachresponse.keycloak.jobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.ItemOutcome;
import dev.breachresponse.keycloak.incident.Job;
import dev.breachresponse.keycloak.incident.JobItem;
import dev.breachresponse.keycloak.incident.JobState;
import dev.breachresponse.keycloak.incident.JobStore;
import dev.breachresponse.keycloak.metrics.BreachMetrics;
import dev.breachresponse.keycloak.revocation.SessionRevoker;
import dev.breachresponse.keycloak.revocation.SessionRevoker.Target;

/**
 * Processes one bounded chunk of a job inside one transaction: flags, outcomes, counts and the cursor commit
 * together, so a crash repeats at most the chunk in flight and the counts stay exact.
 */
final class ChunkProcessor {

    private static final Logger LOG = Logger.getLogger(ChunkProcessor.class);

    /** What happened to the chunk. */
    enum Result { MORE, DONE, LOST }

    private final String owner;
    private final int chunkSize;
    private final long leaseMillis;

    ChunkProcessor(String owner, int chunkSize, long leaseMillis) {
        this.owner = owner;
        this.chunkSize = chunkSize;
        this.leaseMillis = leaseMillis;
    }

    Result process(KeycloakSession session, String jobId, long now) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        JobStore jobs = store.jobs();
        Optional<Job> locked = jobs.lockIfOwned(jobId, owner);
        if (locked.isEmpty()) {
            return Result.LOST; // cancelled, or another node took over after our lease ran out
        }
        Job job = locked.get();
        jobs.bulkMode();
        RealmModel realm = session.realms().getRealm(job.realmId());
        if (realm == null) {
            return Result.LOST; // realm deleted: its jobs went with it
        }
        session.getContext().setRealm(realm);
        Optional<Incident> incident = store.findIncident(realm, job.incidentRowId());
        if (incident.isEmpty()) {
            ended(session, job, now, JobState.FAILED, "the incident no longer exists");
            return Result.DONE;
        }
        if (!incident.get().open() && !job.dryRun()) {
            ended(session, job, now, JobState.FAILED, "the incident was closed before the job finished; it takes no new flags");
            return Result.DONE;
        }
        RealmModel adminRealm = session.realms().getRealm(job.adminRealmId());
        UserModel admin = adminRealm == null ? null : session.users().getUserById(adminRealm, job.adminUserId());
        if (admin == null || !admin.isEnabled()) {
            ended(session, job, now, JobState.FAILED, "the admin who submitted the job no longer exists or is disabled");
            return Result.DONE;
        }
        List<JobItem> pending = jobs.pending(jobId, job.processed(), chunkSize);
        if (pending.isEmpty()) {
            ended(session, job, now, JobState.SUCCEEDED, null);
            return Result.DONE;
        }

        // The worker has no HTTP request: re-check the submitter's rights per user, as the admin API would.
        AdminPermissionEvaluator rights = SubmitterRights.evaluator(session, realm, adminRealm, admin, job.adminClientId());
        if (!SubmitterRights.maySubmit(rights, realm)) {
            // decided from the submitter's roles, not from per-user outcomes: no enumeration oracle
            ended(session, job, now, JobState.FAILED, "the admin who submitted the job no longer has the right to manage users of this realm"
                    + " (manage-users, or query-users with fine-grained admin permissions); the remaining subjects were not processed");
            return Result.DONE;
        }
        boolean manageAll = rights.users().canManage();

        long t0 = System.nanoTime();
        List<JobItem> outcomes = new ArrayList<>(pending.size());
        int notFound = 0;
        int ambiguous = 0;
        // 1. resolve every subject (stored users in one query per kind, federated ones through Keycloak's user
        // look-up) and check the submitter's rights
        List<JobItem> open = pending.stream().filter(item -> item.outcome() == null).toList(); // INVALID at intake: already counted
        Map<Integer, List<SubjectResolver.Found>> found = SubjectResolver.resolve(session, realm, open);
        List<JobItem> matchedItems = new ArrayList<>();
        Map<String, Target> users = new HashMap<>();
        for (JobItem item : open) {
            // users the submitter may not manage read as nobody before the identifiers are compared: no oracle
            List<SubjectResolver.Found> each;
            try {
                each = found.get(item.seq()).stream()
                        .map(f -> f.user() == null || manageAll || canManage(session, realm, rights, f.user()) ? f
                                : new SubjectResolver.Found(SubjectResolver.Route.NOT_FOUND, null))
                        .toList();
            } catch (RightsUnevaluable e) {
                // fail closed before anything of the chunk is written; the cause is logged, not the subject
                LOG.warnf(e.getCause(), "Bulk flag job %s: the submitter's fine-grained admin permissions could not be evaluated by the worker", jobId);
                ended(session, job, now, JobState.FAILED, RightsUnevaluable.MESSAGE);
                return Result.DONE;
            }
            SubjectResolver.Found f = SubjectResolver.combine(each);
            if (f.route() == SubjectResolver.Route.AMBIGUOUS) {
                outcomes.add(outcome(item, ItemOutcome.AMBIGUOUS, null, "several users share this email; none flagged"));
                ambiguous++;
                continue;
            }
            if (f.route() == SubjectResolver.Route.CONFLICT) {
                outcomes.add(outcome(item, ItemOutcome.AMBIGUOUS, null, conflict(item, each)));
                ambiguous++;
                continue;
            }
            if (f.user() == null) {
                outcomes.add(outcome(item, ItemOutcome.NOT_FOUND, null, null));
                notFound++;
                continue;
            }
            matchedItems.add(outcome(item, null, f.user().id(), null));
            users.put(f.user().id(), f.user());
        }
        long t1 = System.nanoTime();
        // 2. flag them in one batch and revoke what the freshly flagged users hold, as one batch, when the policy
        // says so (a dry run only reads what exists)
        Map<String, FlagState> existing;
        int revoked = 0;
        if (job.dryRun()) {
            existing = store.flagStates(realm, incident.get(), users.keySet());
        } else {
            Flagging.Batch batch = new Flagging(session, realm, ids -> SessionRevoker.revokeAll(session, realm, ids.stream().map(users::get).toList()))
                    .flagAll(incident.get(), matchedItems.stream().map(JobItem::userId).toList(), job.createdBy(), "bulk-job");
            existing = batch.before();
            revoked = batch.sessionsRevoked();
        }
        // 3. outcomes in submission order; a user named twice is FLAGGED once, then ALREADY_FLAGGED
        int flagged = 0;
        int already = 0;
        Set<String> seen = new HashSet<>();
        for (JobItem m : matchedItems) {
            FlagState before = existing.get(m.userId());
            if (before == null && seen.add(m.userId())) {
                outcomes.add(outcome(m, ItemOutcome.FLAGGED, m.userId(), null));
                flagged++;
            } else {
                outcomes.add(outcome(m, ItemOutcome.ALREADY_FLAGGED, m.userId(), before == null ? FlagState.FLAGGED.name() : before.name()));
                already++;
            }
        }
        long t2 = System.nanoTime();
        int cursor = pending.get(pending.size() - 1).seq() + 1;
        Map<Integer, JobItem> bySeq = new HashMap<>();
        outcomes.forEach(o -> bySeq.put(o.seq(), o));
        List<JobItem> chunk = pending.stream().map(p -> bySeq.getOrDefault(p.seq(), p)).toList();
        Job.Counts counts = new Job.Counts(0, flagged, already, notFound, 0, ambiguous, revoked);
        jobs.recordChunk(jobId, chunk, counts, cursor, now + leaseMillis);
        BreachMetrics.chunkAfterCommit(session, job, counts);
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Bulk flag job %s: chunk of %d subjects before commit: look-up %d ms, flags and revocation %d ms, items %d ms",
                    jobId, pending.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        }
        return pending.size() < chunkSize ? finish(session, job, now) : Result.MORE;
    }

    /** Ends the job in {@code state} and counts it once the transaction has committed. */
    static void ended(KeycloakSession session, Job job, long now, JobState state, String error) {
        session.getProvider(IncidentStore.class).jobs().complete(job.id(), state, error);
        BreachMetrics.jobEndedAfterCommit(session, job, state, now);
    }

    private static Result finish(KeycloakSession session, Job job, long now) {
        ended(session, job, now, JobState.SUCCEEDED, null);
        return Result.DONE;
    }

    /**
     * Per-user rights (fine-grained admin permissions): the evaluator needs Keycloak's model of the user.
     *
     * @throws RightsUnevaluable when a policy needs the HTTP request, which the worker does not have
     */
    private static boolean canManage(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator rights, Target user) {
        UserModel model = user.model() != null ? user.model() : session.users().getUserById(realm, user.id());
        if (model == null) {
            return false;
        }
        try {
            return rights.users().canManage(model);
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                // a client policy reads the request's headers (Keycloak's DefaultEvaluationContext.getBaseAttributes)
                if (c.getClass().getName().equals("jakarta.enterprise.context.ContextNotActiveException")) {
                    throw new RightsUnevaluable(e);
                }
            }
            throw e;
        }
    }

    /** A fine-grained admin permission's policy read the HTTP request (a client policy does); the worker has none. */
    static final class RightsUnevaluable extends RuntimeException {

        static final String MESSAGE = "the submitter's fine-grained admin permissions use a policy that reads the HTTP request"
                + " (a client policy, for instance), which the job's worker cannot evaluate; the remaining subjects were not processed."
                + " Give the submitter permissions whose policies name users, groups or roles";

        RightsUnevaluable(RuntimeException cause) {
            super(cause);
        }
    }

    /** The detail of an item whose identifiers name different users: which identifiers named a user. */
    static String conflict(JobItem item, List<SubjectResolver.Found> each) {
        List<SubjectResolver.Identifier> ids = SubjectResolver.identifiers(item);
        List<String> naming = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (each.get(i).user() != null) {
                naming.add(ids.get(i).type().key());
            }
        }
        return "identifiers disagree: the " + String.join(" and the ", naming) + " given name different users; none flagged";
    }

    private static JobItem outcome(JobItem item, ItemOutcome o, String userId, String detail) {
        return new JobItem(item.seq(), item.subjectType(), item.subject(), o, userId, detail, item.also());
    }
}
