package dev.breachresponse.keycloak.incident;

import java.util.Collection;
import java.util.Map;

/**
 * What admin alerts read and remember (docs/alerts.md), obtained from {@link IncidentStore#alerts()}; runs in the
 * caller's transaction. Alert kinds are short names ({@code digest}, {@code userReports}, ...).
 */
public interface AlertStore {

    /** Per alert kind, when the realm's last alert of that kind was sent (epoch ms). */
    Map<String, Long> lastSent(String realmId);

    /**
     * Claims one alert: locks the realm's row of {@code kind} and sets its time to {@code now} when it still holds
     * {@code expected} (null: never sent). Returns false when another run changed it meanwhile (nothing changed).
     */
    boolean claim(String realmId, String kind, Long expected, long now);

    /** After a send that failed: puts back {@code previous} (null: never sent) if the row still holds {@code claimedAt}. */
    void release(String realmId, String kind, long claimedAt, Long previous);

    /**
     * Per incident row id, flags that entered each state at or after {@code since} (epoch ms): history transitions
     * (not notes), one grouped query over IDX_BR_FLAG_HISTORY_INCIDENT.
     */
    Map<String, Map<FlagState, Long>> transitionsSince(Collection<String> incidentRowIds, long since);

    /** Per incident row id, the realm's bulk jobs per state that finished at or after {@code since} or have not finished. */
    Map<String, Map<JobState, Long>> jobsSince(String realmId, long since);

    /**
     * Per outbox ({@code reminders}, {@code nudges}, {@code logouts}, {@code webhooks}), the realm's rows failing now:
     * FAILED (and for webhooks also DEAD); outboxes without such rows are absent.
     */
    Map<String, Long> failedDeliveries(String realmId);
}
