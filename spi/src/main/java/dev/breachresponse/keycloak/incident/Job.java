package dev.breachresponse.keycloak.incident;

import java.util.List;

/**
 * Read-only view of a bulk flag job and its counts; {@code adminClientId}: the client the submitter's token was issued for
 * (its {@code azp}; null for jobs accepted before it was kept); {@code ignoredColumns}: CSV header columns no subject was
 * read from.
 */
public record Job(
        String id,
        String realmId,
        IncidentRowId incidentRowId,
        JobState state,
        boolean dryRun,
        String idempotencyKey,
        String requestHash,
        long createdAt,
        Actor createdBy,
        String adminRealmId,
        String adminUserId,
        String adminClientId,
        Long startedAt,
        Long finishedAt,
        Counts counts,
        int processed,
        String error,
        List<String> ignoredColumns) {

    public Job {
        ignoredColumns = ignoredColumns == null ? List.of() : List.copyOf(ignoredColumns);
    }

    public record Counts(int submitted, int flagged, int alreadyFlagged, int notFound, int invalid, int ambiguous,
                         int sessionsRevoked) {
    }
}
