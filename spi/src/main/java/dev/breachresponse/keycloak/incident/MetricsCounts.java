package dev.breachresponse.keycloak.incident;

import java.util.List;

/**
 * What the metrics gauges show, read in one go across all realms ({@link IncidentStore#metricsCounts}): open flags
 * per realm and state, open flags per open incident and state, and the rows of each outbox that are still owed
 * (PENDING) or failed (FAILED). Realms are their ids here; the metrics name them.
 *
 * @param openFlags     per (realm id, state) for the open states (FLAGGED, STEPPED_UP), for every realm with an
 *                      incident, zero included
 * @param incidentFlags per (realm id, incident key, state) for incidents whose status is OPEN, zero included
 * @param outboxes      per (outbox, state) for PENDING and FAILED
 */
public record MetricsCounts(List<RealmState> openFlags, List<IncidentState> incidentFlags, List<OutboxCount> outboxes) {

    public record RealmState(String realmId, FlagState state, long count) {
    }

    public record IncidentState(String realmId, String incidentKey, FlagState state, long count) {
    }

    /** {@code outbox}: {@code reminders} (reminders and escalations), {@code nudges} (hygiene), {@code logouts}, {@code webhooks}. */
    public record OutboxCount(String outbox, OutboxState state, long count) {
    }
}
