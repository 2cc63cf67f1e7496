package dev.breachresponse.keycloak.reminder;

import org.keycloak.Config;

/**
 * Server options of the reminder scheduler ({@code spi-breach-reminders--default--<option>}): how often the
 * planner runs, how many due flags one tick looks at, how many emails one run may send, the retry policy for
 * SMTP failures, the shortest gap between two reminders to the same user, and the pace of the hygiene walk.
 */
record ReminderSettings(int intervalSeconds, int batchSize, int sendCap, int maxAttempts, int retrySeconds, int minGapHours,
                        int hygieneIntervalSeconds, int hygieneBatchSize) {

    static ReminderSettings from(Config.Scope c) {
        return new ReminderSettings(
                bounded(c.getInt("interval-seconds", 60), 5, 86_400, "interval-seconds"),
                bounded(c.getInt("batch-size", 500), 1, 10_000, "batch-size"),
                bounded(c.getInt("send-cap", 200), 1, 10_000, "send-cap"),
                bounded(c.getInt("max-attempts", 5), 1, 100, "max-attempts"),
                bounded(c.getInt("retry-seconds", 300), 0, 86_400, "retry-seconds"),
                bounded(c.getInt("min-gap-hours", 20), 0, 24 * 30, "min-gap-hours"),
                bounded(c.getInt("hygiene-interval-seconds", 300), 5, 86_400, "hygiene-interval-seconds"),
                bounded(c.getInt("hygiene-batch-size", 1000), 1, 10_000, "hygiene-batch-size"));
    }

    private static int bounded(int v, int min, int max, String name) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("spi-breach-reminders--default--" + name + " must be from " + min + " to " + max + ", got " + v);
        }
        return v;
    }
}
