package dev.breachresponse.keycloak.incident;

import java.util.List;

/**
 * Read-only view of an incident as the store returns it: {@code rowId} is the store's id (what flags, jobs and
 * reminders reference), {@code key} the caller-chosen key ({@code "id"} in the admin API).
 */
public record Incident(
        IncidentRowId rowId,
        String realmId,
        IncidentKey key,
        String title,
        String description,
        List<String> exposedData,
        Policy policy,
        boolean open,
        long createdAt,
        Actor createdBy,
        long updatedAt,
        Long closedAt,
        Actor closedBy) {
}
