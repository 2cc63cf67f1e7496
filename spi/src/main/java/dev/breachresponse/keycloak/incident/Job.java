package dev.breachresponse.keycloak.incident;

/** Read-only view of a bulk flag job and its counts. */
public record Job(
        String id,
        String realmId,
        String incidentId,
        JobState state,
        boolean dryRun,
        String idempotencyKey,
        String requestHash,
        long createdAt,
        Actor createdBy,
        String adminRealmId,
        String adminUserId,
        Long startedAt,
        Long finishedAt,
        Counts counts,
        int processed,
        String error) {

    public record Counts(int submitted, int flagged, int alreadyFlagged, int notFound, int invalid, int ambiguous,
                         int sessionsRevoked) {
    }
}
