package dev.breachresponse.keycloak.incident;

import java.util.Objects;

/**
 * The caller's key of an incident: unique per realm, chosen when it is created, {@code "id"} in the admin API's
 * JSON and paths ({@code BR_INCIDENT.INCIDENT_KEY}). Not the row id ({@link IncidentRowId}), which other tables
 * reference: the two are distinct types so that passing one for the other does not compile.
 */
public record IncidentKey(String value) {

    public IncidentKey {
        Objects.requireNonNull(value, "incident key");
    }

    @Override
    public String toString() {
        return value;
    }
}
