package dev.breachresponse.keycloak.incident;

import java.util.Collection;
import java.util.Map;

/**
 * What admin alerts read and remember (docs/alerts.md), obtained from {@link IncidentStore#alerts()}; runs in the
 * caller's transaction. Alert kinds are short names ({@code digest}, {@code userReports}, ...). Each (realm, kind) has
 * one row: when its last alert was sent, and while one is on its way, the claim's lease. Claims are conditional
 * updates (compare and set on the stored time), so two runs at once never both claim.
 */
public interface AlertStore {

    /**
     * One kind's row: {@code sentAt} (epoch ms) of its last alert (or, while {@code sends} is 0, the seed it started
     * from), while an email is on its way {@code claimedUntil}, the end of that claim's lease (else null) and
     * {@code previousSentAt}, the time before the claim, and {@code sends}, how many of its emails went out.
     */
    record State(long sentAt, Long claimedUntil, Long previousSentAt, long sends) {
    }

    /** The realm's rows, per kind (read as values, never as managed entities). */
    Map<String, State> states(String realmId);

    /**
     * Inserts the row of {@code kind} with {@code sentAt}; a row written by another run at the same moment makes the
     * insert fail (its transaction must be one of its own, that the caller lets fail).
     */
    void seed(String realmId, String kind, long sentAt);

    /**
     * Claims one alert: sets the row's time to {@code now} and its lease to {@code claimedUntil}, keeping
     * {@code expected} as the time to put back, when the row still holds {@code expected} and no claim. Returns false
     * (nothing changed) when another run changed it meanwhile or holds a claim.
     */
    boolean claim(String realmId, String kind, long expected, long now, long claimedUntil);

    /**
     * Just before the email goes out: extends the lease of the claim made at {@code claimedAt} to {@code until}.
     * Returns false when the claim is gone (its lease ran out and another check put it back): the email must not go.
     */
    boolean renew(String realmId, String kind, long claimedAt, long until);

    /** After the email went out: ends the claim made at {@code claimedAt} (the time stays) and counts the send. */
    void confirm(String realmId, String kind, long claimedAt);

    /** After a send that failed: puts back the previous time of the claim made at {@code claimedAt} and ends it. */
    void release(String realmId, String kind, long claimedAt);

    /**
     * Claims whose lease ran out before {@code now} without a confirmation (the node sending them stopped): their
     * previous time is put back, so that they are due again. Returns how many.
     */
    int recover(String realmId, long now);

    /**
     * Per incident row id, flags that entered each state at or after {@code since} (epoch ms): history transitions
     * (not notes), one grouped query over IDX_BR_FLAG_HISTORY_INCIDENT.
     */
    Map<String, Map<FlagState, Long>> transitionsSince(Collection<String> incidentRowIds, long since);

    /**
     * Transitions into FLAGGED at or after {@code since} in the incident whose cause starts with {@code causePrefix}
     * (user reports: {@link StandingIncidents#REPORT_CAUSE}).
     */
    long flaggedSince(String incidentRowId, String causePrefix, long since);

    /**
     * Per incident row id, the realm's bulk jobs (not dry runs) per state that finished at or after {@code since} or
     * have not finished.
     */
    Map<String, Map<JobState, Long>> jobsSince(String realmId, long since);

    /**
     * Per outbox ({@code reminders}, {@code nudges}, {@code logouts}, {@code webhooks}), the realm's rows failing now:
     * FAILED (and for webhooks also DEAD), in that order; outboxes without such rows are absent.
     */
    Map<String, Long> failedDeliveries(String realmId);
}
