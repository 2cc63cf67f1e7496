package dev.breachresponse.keycloak.jobs;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.Job;
import dev.breachresponse.keycloak.incident.JobStore;

import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

/**
 * Streams a bulk flag body into the job's stored list ({@link JobStore#addItems}: a page row per batch of 1,000),
 * inside the request's transaction: either every subject is stored and the job is QUEUED, or (on any rejection) the
 * transaction rolls back and nothing is.
 */
public final class JobIntake {

    private static final Logger LOG = Logger.getLogger(JobIntake.class);

    private static final int BATCH = 1000;

    private final JobSettings settings;

    public JobIntake(JobSettings settings) {
        this.settings = settings;
    }

    /** Outcome of {@link #accept}: a new job, or an earlier one replayed by its idempotency key. */
    public record Accepted(Job job, boolean replay) {
    }

    /** The same idempotency key came with a different body. */
    public static final class KeyReused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyReused() {
            super("This Idempotency-Key was used with a different request body");
        }
    }

    /**
     * @param dryRunParam the {@code dryRun} query parameter, or null
     * @param column      the {@code column} query parameter (CSV: the one header column to read), or null; part
     *                    of the request hash, so an idempotency key replayed with another column is refused
     * @param adminClientId the client the submitter's token was issued for (its {@code azp}), kept with the job for the
     *                    worker's re-check of the submitter's rights ({@code SubmitterRights}), or null
     * @throws BodyRejected when the body is refused as a whole
     */
    public Accepted accept(JobStore jobs, RealmModel realm, Incident incident, InputStream body, SubjectReader.Format format,
                           Boolean dryRunParam, String column, String idempotencyKey, Actor actor, String adminRealmId, String adminUserId,
                           String adminClientId) {
        MessageDigest digest = sha256();
        // without a column the hash is what it was before ?column= existed; with one, length-prefixed so that no
        // column name can run into the body
        String columnPart = column == null ? "" : "column=" + column.length() + ":" + column + "|";
        digest.update((format.name() + "|" + dryRunParam + "|" + incident.key().value() + "|" + columnPart)
                .getBytes(StandardCharsets.UTF_8));
        InputStream hashed = new DigestInputStream(body, digest);
        SubjectReader reader = new SubjectReader(settings.maxSubjects(), settings.maxBodyBytes());

        if (idempotencyKey != null) {
            var earlier = jobs.findByIdempotencyKey(realm, idempotencyKey);
            if (earlier.isPresent()) {
                reader.read(hashed, format, column, s -> { });
                if (!hex(digest).equals(earlier.get().requestHash())) {
                    throw new KeyReused();
                }
                return new Accepted(earlier.get(), true);
            }
        }

        long t0 = System.nanoTime();
        long[] storing = {0};
        Job job = jobs.create(realm, incident, Boolean.TRUE.equals(dryRunParam), idempotencyKey, actor, adminRealmId, adminUserId, adminClientId);
        List<JobStore.NewItem> batch = new ArrayList<>(BATCH);
        int[] seq = {0};
        int[] invalid = {0};
        Runnable store = () -> {
            long b0 = System.nanoTime();
            jobs.addItems(job.id(), seq[0], batch);
            storing[0] += System.nanoTime() - b0;
            seq[0] += batch.size();
            batch.clear();
        };
        SubjectReader.Envelope env = reader.read(hashed, format, column, s -> {
            if (!s.isValid()) {
                invalid[0]++;
            }
            batch.add(new JobStore.NewItem(s.type(), s.value(), s.invalid(), s.encodedAlso()));
            if (batch.size() == BATCH) {
                store.run();
            }
        });
        store.run();
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Bulk flag job %s: %d subjects read and stored in %d ms before commit, of which storing the pages %d ms",
                    job.id(), env.count(), (System.nanoTime() - t0) / 1_000_000, storing[0] / 1_000_000);
        }
        if (dryRunParam != null && env.dryRun() != null && !dryRunParam.equals(env.dryRun())) {
            throw new BodyRejected("dryRun in the body and in the query disagree", false);
        }
        boolean dryRun = dryRunParam != null ? dryRunParam : Boolean.TRUE.equals(env.dryRun());
        return new Accepted(jobs.finishIntake(job.id(), env.count(), invalid[0], dryRun, hex(digest), env.ignoredColumns()), false);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }
}
