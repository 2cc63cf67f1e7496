package dev.breachresponse.keycloak.reminder;

import org.keycloak.Config;

import dev.breachresponse.keycloak.support.Options;

/**
 * Server options of the reminder scheduler ({@code spi-breach-reminders--default--<option>}): how often the
 * planner runs, how many due flags one tick looks at, how many emails one run may send, the retry policy for
 * SMTP failures, the shortest gap between two reminders to the same user, and the pace of the hygiene walk.
 */
record ReminderSettings(int intervalSeconds, int batchSize, int sendCap, int maxAttempts, int retrySeconds, int minGapHours,
                        int hygieneIntervalSeconds, int hygieneBatchSize) {

    /** How an out-of-range option is named in the error that stops the server. */
    private static final String OPTION = "spi-breach-reminders--default--";

    static ReminderSettings from(Config.Scope c) {
        return new ReminderSettings(
                Options.bounded(c.getInt("interval-seconds", 60), 5, 86_400, OPTION + "interval-seconds"),
                Options.bounded(c.getInt("batch-size", 500), 1, 10_000, OPTION + "batch-size"),
                Options.bounded(c.getInt("send-cap", 200), 1, 10_000, OPTION + "send-cap"),
                Options.bounded(c.getInt("max-attempts", 5), 1, 100, OPTION + "max-attempts"),
                Options.bounded(c.getInt("retry-seconds", 300), 0, 86_400, OPTION + "retry-seconds"),
                Options.bounded(c.getInt("min-gap-hours", 20), 0, 24 * 30, OPTION + "min-gap-hours"),
                Options.bounded(c.getInt("hygiene-interval-seconds", 300), 5, 86_400, OPTION + "hygiene-interval-seconds"),
                Options.bounded(c.getInt("hygiene-batch-size", 1000), 1, 10_000, OPTION + "hygiene-batch-size"));
    }

}
