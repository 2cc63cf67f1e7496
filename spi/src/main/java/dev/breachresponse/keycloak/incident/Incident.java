package dev.breachresponse.keycloak.incident;

import java.util.List;

/** Read-only view of an incident as the store returns it. {@code id} is the caller-chosen key. */
public record Incident(
        String internalId,
        String realmId,
        String id,
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
