package dev.breachresponse.keycloak.api;

import org.keycloak.models.AbstractKeycloakTransaction;

import dev.breachresponse.keycloak.api.jobs.JobRunner;

/** Wakes this node's job worker once the accepting transaction has committed (never before: no rows yet). */
final class KickAfterCommit extends AbstractKeycloakTransaction {

    private final JobRunner runner;

    KickAfterCommit(JobRunner runner) {
        this.runner = runner;
    }

    @Override
    protected void commitImpl() {
        runner.kick();
    }

    @Override
    protected void rollbackImpl() {
        // nothing was stored
    }
}
