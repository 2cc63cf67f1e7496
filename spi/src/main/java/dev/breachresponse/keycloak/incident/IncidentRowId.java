package dev.breachresponse.keycloak.incident;

import java.util.Objects;

/**
 * The row id of an incident ({@code BR_INCIDENT.ID}, a UUID the store assigns), which flags, jobs and reminders
 * reference. Never shown to callers, who use the {@link IncidentKey}.
 */
public record IncidentRowId(String value) {

    public IncidentRowId {
        Objects.requireNonNull(value, "incident row id");
    }

    @Override
    public String toString() {
        return value;
    }
}
