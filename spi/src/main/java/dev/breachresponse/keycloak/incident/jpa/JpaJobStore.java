package dev.breachresponse.keycloak.incident.jpa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.hibernate.Session;
import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentRowId;
import dev.breachresponse.keycloak.incident.ItemOutcome;
import dev.breachresponse.keycloak.incident.Job;
import dev.breachresponse.keycloak.incident.JobItem;
import dev.breachresponse.keycloak.incident.JobState;
import dev.breachresponse.keycloak.incident.JobStore;
import dev.breachresponse.keycloak.incident.SubjectType;
import dev.breachresponse.keycloak.incident.WebhookEvent;

/** JPA (jobs) and multi-row JDBC inserts (items, which can number 100k per request) implementation of {@link JobStore}. */
final class JpaJobStore implements JobStore {

    private static final String ACTIVE = "('QUEUED','RUNNING')";

    /** BR_JOB_RESULT's count columns, one per outcome, named as the outcomes and in their order. */
    private static final List<String> RESULT_COUNTS = Arrays.stream(ItemOutcome.values()).map(Enum::name).toList();

    private static final List<String> RESULT_COLUMNS = Stream.of(List.of("JOB_ID", "FIRST_SEQ", "ITEMS"),
            RESULT_COUNTS, List.of("BODY")).flatMap(List::stream).toList();

    private final EntityManager em;
    /** Jobs whose last {@link #pending} read found item rows (queued by a version before pages): recordChunk replaces them. */
    private final Set<String> rowsPending = new java.util.HashSet<>();
    private final WebhookQueue webhooks;

    JpaJobStore(EntityManager em, WebhookQueue webhooks) {
        this.em = em;
        this.webhooks = webhooks;
    }

    @Override
    public Job create(RealmModel realm, Incident incident, boolean dryRun, String idempotencyKey,
                      Actor actor, String adminRealmId, String adminUserId, String adminClientId) {
        JobEntity j = new JobEntity();
        j.id = KeycloakModelUtils.generateId();
        j.realmId = realm.getId();
        j.incidentId = incident.rowId().value();
        j.state = JobState.QUEUED.name();
        j.dryRun = dryRun;
        j.idempotencyKey = idempotencyKey;
        j.createdAt = Time.currentTimeMillis();
        j.createdBy = actor.asString();
        j.adminRealmId = adminRealmId;
        j.adminUserId = adminUserId;
        j.adminClientId = adminClientId;
        em.persist(j);
        em.flush();
        return toJob(j);
    }

    @Override
    public void addItems(String jobId, int firstSeq, List<NewItem> items) {
        if (items.isEmpty()) {
            return;
        }
        // one page row for the whole batch: the submitted list is stored before the answer, so its cost is the
        // intake's (issue 15); the items' own rows are written as their chunk is processed (recordChunk)
        String body = ItemPages.encode(items);
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into BR_JOB_PAGE (JOB_ID, FIRST_SEQ, ITEMS, BODY) values (?, ?, ?, ?)")) {
                ps.setString(1, jobId);
                ps.setInt(2, firstSeq);
                ps.setInt(3, items.size());
                ps.setString(4, body);
                ps.executeUpdate();
            }
        });
    }

    @Override
    public Job finishIntake(String jobId, int submitted, int invalid, boolean dryRun, String requestHash, List<String> ignoredColumns) {
        JobEntity j = em.find(JobEntity.class, jobId);
        j.ignoredColumns = ignoredColumns == null || ignoredColumns.isEmpty() ? null : clip(String.join("\n", ignoredColumns), 2000);
        j.requestHash = requestHash;
        j.submitted = submitted;
        j.invalid = invalid;
        j.dryRun = dryRun;
        if (submitted == 0) {
            j.state = JobState.SUCCEEDED.name();
            j.finishedAt = Time.currentTimeMillis();
        }
        em.flush();
        if (submitted == 0) {
            finished(j); // nothing to work: ended at intake, and told like any other job
        }
        return toJob(j);
    }

    @Override
    public Optional<Job> find(RealmModel realm, String jobId) {
        JobEntity j = em.find(JobEntity.class, jobId);
        return j == null || !j.realmId.equals(realm.getId()) ? Optional.empty() : Optional.of(toJob(j));
    }

    @Override
    public Optional<Job> findByIdempotencyKey(RealmModel realm, String key) {
        return em.createQuery("select j from JobEntity j where j.realmId = :r and j.idempotencyKey = :k", JobEntity.class)
                .setParameter("r", realm.getId()).setParameter("k", key)
                .getResultStream().findFirst().map(JpaJobStore::toJob);
    }

    @Override
    public List<Job> ofIncident(RealmModel realm, IncidentRowId incident, int first, int max) {
        return em.createQuery("select j from JobEntity j where j.realmId = :r and j.incidentId = :i order by j.createdAt desc, j.id", JobEntity.class)
                .setParameter("r", realm.getId()).setParameter("i", incident.value())
                .setFirstResult(first).setMaxResults(max)
                .getResultStream().map(JpaJobStore::toJob).toList();
    }

    @Override
    public List<JobItem> items(String jobId, ItemOutcome outcome, int first, int max) {
        JobEntity job = em.find(JobEntity.class, jobId);
        int processed = job == null ? 0 : job.processed;
        int wanted = (int) Math.min((long) first + max, Integer.MAX_VALUE);
        return em.unwrap(Session.class).doReturningWork(c -> {
            // In sequence order: BR_JOB_ITEM rows of subjects an earlier version processed (numbered below every result
            // page), the result pages (below the cursor), then the subjects not processed yet: pending (outcome null) or
            // refused at intake (INVALID), from their intake pages or, for a job an earlier version queued, its rows.
            List<JobItem> rows = outcome == null ? itemRows(c, "", wanted, jobId)
                    : itemRows(c, " and OUTCOME = ?", wanted, jobId, outcome.name());
            List<JobItem> listed = new ArrayList<>();
            List<JobItem> rowsAhead = new ArrayList<>();
            rows.forEach(r -> (r.seq() < processed ? listed : rowsAhead).add(r));
            int skipped = fromResults(c, jobId, outcome, processed, first, wanted, listed);
            int more = wanted - listed.size() - skipped;
            if (more > 0 && (outcome == null || outcome == ItemOutcome.INVALID)) {
                // every unprocessed subject is listed without an outcome filter: the next `more` are within as many
                // sequence numbers of the cursor; INVALID ones may be anywhere after it
                listed.addAll(merge(rowsAhead, fromPages(c, jobId, processed, outcome == null ? more : Integer.MAX_VALUE, more,
                        i -> outcome == null || i.outcome() == outcome), more));
            }
            int from = first - skipped;
            return listed.size() <= from ? List.<JobItem>of() : List.copyOf(listed.subList(from, listed.size()));
        });
    }

    /**
     * Appends to {@code out} the items of the job's result pages below {@code processed} (the cursor the listing read:
     * a chunk committed since is listed as not processed yet, not twice) with {@code outcome} (null: any), in sequence
     * order, until {@code out} and the skipped ones together hold {@code wanted}. A page whose matching items all come
     * before position {@code first} of the listing (counting what {@code out} holds already) is skipped by its count,
     * unread.
     *
     * @return how many matching items were skipped (all of them before every item appended)
     */
    private static int fromResults(Connection c, String jobId, ItemOutcome outcome, int processed, int first, int wanted,
                                   List<JobItem> out) throws SQLException {
        if (out.size() >= wanted) {
            return 0;
        }
        List<int[]> pages = new ArrayList<>();
        // the count columns are named as the outcomes (RESULT_COUNTS); the name comes from the enum, not from a request
        try (PreparedStatement ps = c.prepareStatement("select FIRST_SEQ, " + (outcome == null ? "ITEMS" : outcome.name())
                + " from BR_JOB_RESULT where JOB_ID = ? and FIRST_SEQ < ? order by FIRST_SEQ")) {
            ps.setString(1, jobId);
            ps.setInt(2, processed);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pages.add(new int[] {rs.getInt(1), rs.getInt(2)});
                }
            }
        }
        int skipped = 0;
        try (PreparedStatement body = c.prepareStatement("select BODY from BR_JOB_RESULT where JOB_ID = ? and FIRST_SEQ = ?")) {
            for (int[] page : pages) {
                if (out.size() + skipped >= wanted) {
                    break;
                }
                if (page[1] == 0) {
                    continue;
                }
                if (out.size() + skipped + page[1] <= first) {
                    skipped += page[1];
                    continue;
                }
                body.setString(1, jobId);
                body.setInt(2, page[0]);
                try (ResultSet rs = body.executeQuery()) {
                    if (rs.next()) {
                        for (JobItem i : ItemPages.decodeResults(page[0], rs.getString(1))) {
                            if ((outcome == null || i.outcome() == outcome) && out.size() + skipped < wanted) {
                                out.add(i);
                            }
                        }
                    }
                }
            }
        }
        return skipped;
    }

    @Override
    public boolean cancel(RealmModel realm, String jobId) {
        JobEntity j = em.find(JobEntity.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (j == null || !j.realmId.equals(realm.getId()) || !JobState.valueOf(j.state).isActive()) {
            return false;
        }
        j.state = JobState.CANCELLED.name();
        j.finishedAt = Time.currentTimeMillis();
        j.leaseOwner = null;
        j.leaseUntil = null;
        em.flush();
        finished(j);
        return true;
    }

    @Override
    public Optional<Job> claim(String owner, long now, long leaseUntil) {
        List<String> realms = em.createQuery("select j.realmId from JobEntity j where j.state in " + ACTIVE + " order by j.createdAt, j.id", String.class)
                .setMaxResults(100).getResultList();
        Set<String> ordered = new LinkedHashSet<>(realms);
        for (String realmId : ordered) {
            List<JobEntity> active = em.createQuery("select j from JobEntity j where j.realmId = :r and j.state in " + ACTIVE + " order by j.createdAt, j.id", JobEntity.class)
                    .setParameter("r", realmId)
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .getResultList();
            boolean busy = active.stream().anyMatch(j -> JobState.RUNNING.name().equals(j.state) && j.leaseUntil != null && j.leaseUntil >= now);
            if (busy) {
                continue; // one running job per realm
            }
            JobEntity pick = active.stream().filter(j -> JobState.RUNNING.name().equals(j.state)).findFirst()
                    .orElse(active.stream().findFirst().orElse(null));
            if (pick == null) {
                continue;
            }
            pick.state = JobState.RUNNING.name();
            pick.leaseOwner = owner;
            pick.leaseUntil = leaseUntil;
            if (pick.startedAt == null) {
                pick.startedAt = Time.currentTimeMillis();
            }
            em.flush();
            return Optional.of(toJob(pick));
        }
        return Optional.empty();
    }

    @Override
    public void bulkMode() {
        em.setFlushMode(jakarta.persistence.FlushModeType.COMMIT);
        // the chunk's writes (Keycloak's user updates for not-before included) reach the database in JDBC batches
        em.unwrap(Session.class).setJdbcBatchSize(100);
    }

    @Override
    public Optional<Job> lockIfOwned(String jobId, String owner) {
        JobEntity j = em.find(JobEntity.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (j == null || !JobState.RUNNING.name().equals(j.state) || !owner.equals(j.leaseOwner)) {
            return Optional.empty();
        }
        return Optional.of(toJob(j));
    }

    @Override
    public List<JobItem> pending(String jobId, int fromSeq, int limit) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            // a job accepted before pages existed keeps its unprocessed items as rows
            List<JobItem> rows = itemRows(c, " and SEQ >= ?", limit, jobId, fromSeq);
            if (rows.isEmpty()) {
                rowsPending.remove(jobId);
            } else {
                rowsPending.add(jobId);
            }
            return merge(rows, fromPages(c, jobId, fromSeq, limit, limit, i -> true), limit);
        });
    }

    /** Up to {@code max} of a job's BR_JOB_ITEM rows in sequence order; {@code where}: more conditions on {@code params} after the job id. */
    private static List<JobItem> itemRows(Connection c, String where, int max, Object... params) throws SQLException {
        List<JobItem> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select SEQ, SUBJECT_TYPE, SUBJECT, OUTCOME, USER_ID, DETAIL, ALSO from BR_JOB_ITEM"
                + " where JOB_ID = ?" + where + " order by SEQ")) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.setMaxRows(max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(item(rs));
                }
            }
        }
        return out;
    }

    /**
     * Up to {@code max} items read from the job's pages, in sequence order, from {@code fromSeq} on, that
     * {@code keep} accepts; {@code span}: how many sequence numbers from {@code fromSeq} may hold them (pages
     * beyond are not read), or {@link Integer#MAX_VALUE}.
     */
    private static List<JobItem> fromPages(Connection c, String jobId, int fromSeq, int span, int max,
                                           Predicate<JobItem> keep) throws SQLException {
        List<JobItem> out = new ArrayList<>();
        long end = (long) fromSeq + span;
        try (PreparedStatement ps = c.prepareStatement(
                "select FIRST_SEQ, BODY from BR_JOB_PAGE where JOB_ID = ? and FIRST_SEQ + ITEMS > ? and FIRST_SEQ < ? order by FIRST_SEQ")) {
            ps.setString(1, jobId);
            ps.setInt(2, fromSeq);
            ps.setInt(3, (int) Math.min(end, Integer.MAX_VALUE));
            ps.setFetchSize(4); // a page holds up to a thousand subjects: read a few at a time, stop when enough
            try (ResultSet rs = ps.executeQuery()) {
                while (out.size() < max && rs.next()) {
                    for (JobItem i : ItemPages.decode(rs.getInt(1), rs.getString(2), fromSeq)) {
                        if (out.size() < max && keep.test(i)) {
                            out.add(i);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The first {@code max} items of both, by sequence number; a row wins over a page's entry for the same number. */
    private static List<JobItem> merge(List<JobItem> rows, List<JobItem> paged, int max) {
        if (paged.isEmpty()) {
            return rows.size() <= max ? rows : rows.subList(0, max);
        }
        TreeMap<Integer, JobItem> bySeq = new TreeMap<>();
        paged.forEach(i -> bySeq.put(i.seq(), i));
        rows.forEach(i -> bySeq.put(i.seq(), i));
        return bySeq.values().stream().limit(max).toList();
    }

    @Override
    public void recordChunk(String jobId, List<JobItem> chunk, Job.Counts d, int newProcessed, long leaseUntil) {
        // One result page for the chunk. A job accepted before pages existed has rows for its unprocessed items
        // (pending read them): those are deleted first. Not otherwise: a delete that finds nothing would, on MariaDB's
        // REPEATABLE READ, lock the gap where another node's chunk inserts its rows.
        int firstSeq = chunk.get(0).seq();
        Object[] row = new Object[3 + RESULT_COUNTS.size() + 1];
        row[0] = jobId;
        row[1] = firstSeq;
        row[2] = chunk.size();
        int[] counts = new int[ItemOutcome.values().length];
        for (int k = 0; k < chunk.size(); k++) {
            JobItem i = chunk.get(k);
            if (i.seq() != firstSeq + k) {
                throw new IllegalStateException("the chunk of job " + jobId + " is not numbered consecutively from " + firstSeq);
            }
            if (i.outcome() != null) {
                counts[i.outcome().ordinal()]++;
            }
        }
        for (int k = 0; k < counts.length; k++) {
            row[3 + k] = counts[k];
        }
        row[row.length - 1] = ItemPages.encodeResults(chunk);
        boolean replace = rowsPending.remove(jobId);
        em.unwrap(Session.class).doWork(c -> {
            if (replace) {
                try (PreparedStatement del = c.prepareStatement("delete from BR_JOB_ITEM where JOB_ID = ? and SEQ >= ? and SEQ <= ?")) {
                    del.setString(1, jobId);
                    del.setInt(2, firstSeq);
                    del.setInt(3, chunk.get(chunk.size() - 1).seq());
                    del.executeUpdate();
                }
            }
            MultiRowInsert.insert(c, "BR_JOB_RESULT", RESULT_COLUMNS, List.<Object[]>of(row));
        });
        JobEntity j = em.find(JobEntity.class, jobId);
        j.flagged += d.flagged();
        j.alreadyFlagged += d.alreadyFlagged();
        j.notFound += d.notFound();
        j.ambiguous += d.ambiguous();
        j.sessionsRevoked += d.sessionsRevoked();
        j.processed = newProcessed;
        j.leaseUntil = leaseUntil;
        em.flush();
    }

    @Override
    public void complete(String jobId, JobState finalState, String error) {
        JobEntity j = em.find(JobEntity.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (j == null || !JobState.valueOf(j.state).isActive()) {
            return;
        }
        j.state = finalState.name();
        j.finishedAt = Time.currentTimeMillis();
        j.leaseOwner = null;
        j.leaseUntil = null;
        j.error = clip(error, 1024);
        em.flush();
        finished(j);
    }

    /** Queues {@code job.finished} for a job that just ended (not a dry run: it changed nothing, so it tells no one). */
    private void finished(JobEntity j) {
        if (!j.dryRun) {
            IncidentEntity incident = em.find(IncidentEntity.class, j.incidentId);
            ObjectNode d = WebhookQueue.data(j.realmId);
            d.put("jobId", j.id);
            d.put("incident", incident == null ? null : incident.getIncidentKey());
            d.put("state", j.state);
            d.put("error", j.error);
            ObjectNode counts = d.putObject("counts");
            counts.put("submitted", j.submitted);
            counts.put("processed", j.processed);
            counts.put("flagged", j.flagged);
            counts.put("alreadyFlagged", j.alreadyFlagged);
            counts.put("notFound", j.notFound);
            counts.put("invalid", j.invalid);
            counts.put("ambiguous", j.ambiguous);
            counts.put("sessionsRevoked", j.sessionsRevoked);
            webhooks.queue(j.realmId, WebhookEvent.JOB_FINISHED, null, d);
        }
    }

    @Override
    public int purgeItems(long cutoff, int limit) {
        // only jobs that still hold items or pages, oldest first: job rows are kept, so a query without that
        // condition would pick the same (already purged) jobs every time once more than `limit` had finished
        return em.unwrap(Session.class).doReturningWork(c -> {
            List<String> jobs = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select j.ID from BR_JOB j where j.STATE not in " + ACTIVE
                    + " and j.FINISHED_AT < ? and (exists (select 1 from BR_JOB_ITEM i where i.JOB_ID = j.ID)"
                    + " or exists (select 1 from BR_JOB_PAGE p where p.JOB_ID = j.ID)"
                    + " or exists (select 1 from BR_JOB_RESULT r where r.JOB_ID = j.ID)) order by j.FINISHED_AT, j.ID")) {
                ps.setLong(1, cutoff);
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(rs.getString(1));
                    }
                }
            }
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement("delete from BR_JOB_ITEM where JOB_ID = ?");
                 PreparedStatement pages = c.prepareStatement("delete from BR_JOB_PAGE where JOB_ID = ?");
                 PreparedStatement results = c.prepareStatement("delete from BR_JOB_RESULT where JOB_ID = ?")) {
                for (String id : jobs) {
                    for (PreparedStatement del : List.of(ps, pages, results)) {
                        del.setString(1, id);
                        n += del.executeUpdate();
                    }
                }
            }
            return n;
        });
    }

    private static JobItem item(ResultSet rs) throws java.sql.SQLException {
        String outcome = rs.getString(4);
        String type = rs.getString(2);
        return new JobItem(rs.getInt(1), type == null ? null : SubjectType.valueOf(type), rs.getString(3),
                outcome == null ? null : ItemOutcome.valueOf(outcome), rs.getString(5), rs.getString(6), rs.getString(7));
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    static Job toJob(JobEntity j) {
        return new Job(j.id, j.realmId, new IncidentRowId(j.incidentId), JobState.valueOf(j.state), j.dryRun, j.idempotencyKey, j.requestHash,
                j.createdAt, Actor.parse(j.createdBy), j.adminRealmId, j.adminUserId, j.adminClientId, j.startedAt, j.finishedAt,
                new Job.Counts(j.submitted, j.flagged, j.alreadyFlagged, j.notFound, j.invalid, j.ambiguous, j.sessionsRevoked),
                j.processed, j.error, j.ignoredColumns == null ? List.of() : List.of(j.ignoredColumns.split("\n")));
    }
}
