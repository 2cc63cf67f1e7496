package dev.breachresponse.keycloak.incident;

import java.util.List;

/** Read-only view of one flag (one user exposed in one incident). */
public record Flag(
        String id,
        String realmId,
        IncidentKey incidentKey,
        boolean incidentOpen,
        String userId,
        FlagState state,
        long flaggedAt,
        Actor flaggedBy,
        Long steppedUpAt,
        Long passwordChangedAt,
        Long remediatedAt,
        Long dismissedAt,
        Actor dismissedBy,
        String dismissReason,
        Long enrolledAt,
        String stepUpFactor,
        int graceSkips,
        Long escalatedAt,
        List<String> escalatedActions,
        long updatedAt) {
}
