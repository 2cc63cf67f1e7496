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
     * Where a realm's digest starts when its alerts are switched on (the first check): within the digest's hour just
     * before that hour's slot, so that it is due at once; at any other time the latest slot, so that the first digest
     * goes at the next {@code hourUtc}:00 (switching alerts on in the afternoon sends none at once).
     */
    public static long digestSeed(long now, int hourUtc) {
        long slot = digestSlot(now, hourUtc);
        return now - slot < WINDOW_MILLIS ? slot - 1 : slot;
    }

    /**
     * The daily digest is due once per day from {@code hourUtc}:00 UTC: whenever the last one (or the seed, {@link
     * #digestSeed}) is older than the latest slot. A day the server was down at that hour is caught up once, not once
     * per missed day; a digest forced before the hour does not replace that day's.
     */
    public static boolean digestDue(long lastSent, long now, int hourUtc) {
        return lastSent < digestSlot(now, hourUtc);
    }

    /**
     * A threshold alert is due when the threshold is on ({@code threshold > 0}), {@code value} reached it, and the
     * last alert of its kind was sent at least {@code intervalMinutes} ago (a kind never sent starts from 0). After a clock was set back, a
     * last-sent time in the future keeps the kind quiet until that time plus the interval.
     */
    public static boolean thresholdDue(long value, int threshold, long lastSent, long now, int intervalMinutes) {
        if (threshold <= 0 || value < threshold) {
            return false;
        }
        return now - lastSent >= intervalMinutes * 60_000L;
    }
}
