package dev.breachresponse.keycloak.api;

import dev.breachresponse.keycloak.jobs.JobIntake;
import dev.breachresponse.keycloak.jobs.JobRunner;

/** What the bulk endpoints share across requests: the intake and this node's job runner. */
record BulkFlags(JobIntake intake, JobRunner runner) {
}
