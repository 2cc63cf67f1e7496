package dev.breachresponse.keycloak.incident;

import java.util.List;

/**
 * A validated request to create an incident. {@code requestHash} fingerprints the caller's body so that a
 * replay can be told from a conflicting re-use of the same id.
 */
public record NewIncident(IncidentKey key, String title, String description, List<String> exposedData, Policy policy,
                          String requestHash) {
}
