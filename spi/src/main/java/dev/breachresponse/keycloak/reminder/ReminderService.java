package dev.breachresponse.keycloak.reminder;

import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

/** The reminder campaign, for the admin API's "run now" ({@code session.getProvider(ReminderService.class)}). */
public interface ReminderService extends Provider {

    /** What one run did. */
    record RunReport(int looked, int queued, int deferred, int escalated, int sent, int failed, int cancelled,
                     long planMillis, long sendMillis) {
    }

    /**
     * Plans the realm's due flags now and sends what is pending, in transactions of its own (not the caller's),
     * bounded by the same batch size and send cap as the scheduler.
     */
    RunReport runNow(RealmModel realm);

    /** What one hygiene run did (walk slice, then sending). */
    record HygieneReport(boolean walking, int walked, int queued, boolean passStarted, boolean passFinished, int sent, int failed,
                         int cancelled, long walkMillis, long sendMillis) {
    }

    /**
     * Walks the next slice of the realm's users now (a new pass only when the last one started
     * {@code hygiene.everyDays} ago) and sends what is pending, in transactions of its own.
     */
    HygieneReport runHygieneNow(RealmModel realm);
}
