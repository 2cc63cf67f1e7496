package dev.breachresponse.keycloak.alert;

/**
 * When an admin alert is due (docs/alerts.md). Pure logic; times are epoch milliseconds (UTC), as Keycloak's
 * {@code Time.currentTimeMillis()} gives them.
 */
public final class AlertRules {

    /** The window of the per-hour thresholds: 60 minutes. */
    public static final long WINDOW_MILLIS = 3_600_000L;

    /** The digest's look-back: 24 hours. */
    public static final long DAY_MILLIS = 86_400_000L;

    private AlertRules() {
    }

    /** The latest instant at or before {@code now} whose UTC time is {@code hourUtc}:00 (0 to 23). */
    public static long digestSlot(long now, int hourUtc) {
        long slot = Math.floorDiv(now, DAY_MILLIS) * DAY_MILLIS + hourUtc * WINDOW_MILLIS;
        return slot > now ? slot - DAY_MILLIS : slot;
    }

    /**
     * The daily digest is due once per day from {@code hourUtc}:00 UTC: when it was never sent, only within that hour
     * (switching alerts on in the afternoon does not send one at once); afterwards whenever the last one is older
     * than the latest slot (a day the server was down at that hour is caught up once, not once per missed day).
     */
    public static boolean digestDue(Long lastSent, long now, int hourUtc) {
        long slot = digestSlot(now, hourUtc);
        if (lastSent == null) {
            return now - slot < WINDOW_MILLIS;
        }
        return lastSent < slot;
    }

    /**
     * A threshold alert is due when the threshold is on ({@code threshold > 0}), {@code value} reached it, and the
     * last alert of its kind was sent at least {@code intervalMinutes} ago (or never). After a clock was set back, a
     * last-sent time in the future keeps the kind quiet until that time plus the interval.
     */
    public static boolean thresholdDue(long value, int threshold, Long lastSent, long now, int intervalMinutes) {
        if (threshold <= 0 || value < threshold) {
            return false;
        }
        return lastSent == null || now - lastSent >= intervalMinutes * 60_000L;
    }
}
