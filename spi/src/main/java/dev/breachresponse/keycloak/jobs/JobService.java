package dev.breachresponse.keycloak.jobs;

import org.keycloak.provider.Provider;

/**
 * Bulk flagging as the REST layer sees it: the intake that stores a list as a job ({@link JobIntake}) and a way to
 * wake this node's worker ({@link JobRunner}). Obtained with {@code session.getProvider(JobService.class)}; the
 * worker itself belongs to {@link JobServiceFactory}.
 */
public interface JobService extends Provider {

    /**
     * The bulk API's server options in force ({@link JobSettings}: caps per request, chunk size, …), read at start;
     * available before the worker starts.
     */
    JobSettings settings();

    /** Whether this node's worker has started (it starts after Keycloak's migration). */
    boolean started();

    /**
     * The intake, configured from the server options ({@link JobSettings}).
     *
     * @throws IllegalStateException when {@link #started()} is false
     */
    JobIntake intake();

    /** Asks this node's worker to look for work once the session's transaction has committed; returns at once. */
    void kickAfterCommit();

    @Override
    default void close() {
        // the factory holds the worker
    }
}
