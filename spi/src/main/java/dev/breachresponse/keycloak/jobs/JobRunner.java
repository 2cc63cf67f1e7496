package dev.breachresponse.keycloak.jobs;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Job;
import dev.breachresponse.keycloak.incident.JobState;
import dev.breachresponse.keycloak.revocation.LogoutSender;
import dev.breachresponse.keycloak.support.BulkActivity;
import dev.breachresponse.keycloak.support.Drain;
import dev.breachresponse.keycloak.webhook.WebhookSender;

/**
 * Runs bulk flag jobs on this node, on its own worker thread (never Keycloak's timer thread). Jobs are claimed
 * through database leases, so any node can run or resume them; each chunk is its own transaction.
 * {@link #kick()} is called after a job is accepted and by a periodic poll that picks up jobs of dead nodes.
 */
public final class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    private static final int MAX_CHUNK_FAILURES = 3;

    private final KeycloakSessionFactory factory;
    private final JobSettings settings;
    private final String owner;
    private final ChunkProcessor processor;
    private final ExecutorService worker;
    private final Drain drain;
    private volatile long lastPurge;
    private volatile Thread workerThread;
    /** The job whose chunk runs now and since when (0: none), for {@link #warnIfStalled}. */
    private volatile String chunkJob;
    private volatile long chunkSince;
    private volatile long lastStallWarning;

    public JobRunner(KeycloakSessionFactory factory, JobSettings settings) {
        this.factory = factory;
        this.settings = settings;
        this.owner = nodeName();
        this.processor = new ChunkProcessor(owner, settings.chunkSize(), settings.leaseMillis());
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "breach-response-jobs");
            t.setDaemon(true);
            workerThread = t;
            return t;
        });
        this.drain = new Drain(worker, this::runDue,
                e -> LOG.error("Bulk flag worker stopped on an error; the next poll resumes it", e));
    }

    public String owner() {
        return owner;
    }

    /** Asks the worker to look for work; returns at once. Also tells of a chunk that runs past its lease. */
    public void kick() {
        warnIfStalled(Time.currentTimeMillis());
        try {
            drain.kick();
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    public void shutdown() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One pass: runs every claimable job, purges old items when due, and wakes the logout and webhook senders. */
    private void runDue() {
        Optional<Job> job;
        while ((job = claim()).isPresent() && !Thread.currentThread().isInterrupted()) {
            run(job.get());
        }
        purgeIfDue();
        // failed back-channel logouts and webhook deliveries are retried on the poll
        LogoutSender.kick(factory);
        WebhookSender.kick(factory);
    }

    private Optional<Job> claim() {
        long now = Time.currentTimeMillis();
        return KeycloakModelUtils.runJobInTransactionWithResult(factory,
                s -> s.getProvider(IncidentStore.class).jobs().claim(owner, now, now + settings.leaseMillis()));
    }

    private void run(Job job) {
        BulkActivity.enter();
        try {
            work(job);
        } finally {
            BulkActivity.exit();
            // the job's webhook events were staged while it ran: the sender expands and sends them now
            WebhookSender.kick(factory);
        }
    }

    private void work(Job job) {
        LOG.debugf("Running bulk flag job %s (%d subjects)", job.id(), job.counts().submitted());
        int failures = 0;
        while (!Thread.currentThread().isInterrupted()) {
            ChunkProcessor.Result r;
            chunkJob = job.id();
            chunkSince = Time.currentTimeMillis();
            try {
                r = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                        s -> processor.process(s, job.id(), Time.currentTimeMillis()));
                failures = 0;
            } catch (RuntimeException e) {
                failures++;
                LOG.warnf(e, "Bulk flag job %s: chunk failed (%d of %d tries)", job.id(), failures, MAX_CHUNK_FAILURES);
                if (failures >= MAX_CHUNK_FAILURES) {
                    KeycloakModelUtils.runJobInTransaction(factory, s -> {
                        // only a job still this node's (not cancelled or taken over meanwhile) fails, and is counted
                        if (s.getProvider(IncidentStore.class).jobs().lockIfOwned(job.id(), owner).isPresent()) {
                            ChunkProcessor.ended(s, job, Time.currentTimeMillis(), JobState.FAILED,
                                    "a chunk failed " + MAX_CHUNK_FAILURES + " times; see the server log");
                        }
                    });
                    return;
                }
                continue;
            } finally {
                chunkSince = 0;
            }
            if (r == ChunkProcessor.Result.LOST) {
                LOG.infof("Bulk flag job %s is no longer this node's (cancelled, its realm removed, or taken over after the lease ran out)",
                        job.id());
            }
            if (r != ChunkProcessor.Result.MORE) {
                return;
            }
        }
    }

    /**
     * A chunk that has run longer than the lease is stuck (a chunk is one bounded transaction; seconds, not
     * minutes): its lease ran out, so another node may take the job over, but this node's worker stays blocked.
     * Logs the worker thread's stack (code locations only, no data) at most once per lease period, so the cause
     * (a lock wait, a hung connection) can be found.
     */
    private void warnIfStalled(long now) {
        long since = chunkSince;
        Thread t = workerThread;
        if (since == 0 || t == null || now - since <= settings.leaseMillis() || now - lastStallWarning <= settings.leaseMillis()) {
            return;
        }
        lastStallWarning = now;
        StringBuilder stack = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            stack.append(System.lineSeparator()).append("\tat ").append(e);
        }
        LOG.warnf("Bulk flag job %s: a chunk has run for %d s, longer than the lease of %d s; the worker thread %s is %s:%s", chunkJob,
                (now - since) / 1000, settings.leaseMillis() / 1000, t.getName(), t.getState(), stack);
    }

    private void purgeIfDue() {
        long now = Time.currentTimeMillis();
        if (now - lastPurge < TimeUnit.HOURS.toMillis(1)) {
            return;
        }
        lastPurge = now;
        long cutoff = now - settings.itemRetentionMillis();
        int n = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                s -> s.getProvider(IncidentStore.class).jobs().purgeItems(cutoff, 1000));
        if (n > 0) {
            LOG.infof("Purged %d rows of job items and pages older than the retention period", n);
        }
        int l = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> s.getProvider(IncidentStore.class).logouts().purge(cutoff));
        if (l > 0) {
            LOG.infof("Purged %d finished back-channel logouts older than the retention period", l);
        }
        int w = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> s.getProvider(IncidentStore.class).webhooks().purge(cutoff));
        if (w > 0) {
            LOG.infof("Purged %d finished webhook deliveries older than the retention period", w);
        }
    }

    private static String nodeName() {
        String jvm = ManagementFactory.getRuntimeMXBean().getName();
        String n = jvm + "-" + UUID.randomUUID().toString().substring(0, 8);
        return n.length() > 64 ? n.substring(n.length() - 64) : n;
    }
}
