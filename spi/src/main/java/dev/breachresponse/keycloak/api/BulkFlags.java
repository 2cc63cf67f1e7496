package dev.breachresponse.keycloak.api;

import dev.breachresponse.keycloak.jobs.JobIntake;
import dev.breachresponse.keycloak.jobs.JobRunner;
import dev.breachresponse.keycloak.jobs.JobSettings;

/** What the bulk endpoints share across requests: settings, the intake and this node's job runner. */
record BulkFlags(JobSettings settings, JobIntake intake, JobRunner runner) {
}
