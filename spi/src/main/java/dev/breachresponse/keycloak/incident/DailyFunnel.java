package dev.breachresponse.keycloak.incident;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One incident's MFA-adoption funnel per UTC day: how many flags entered each state on each day since the
 * incident was created (every day present, days without a transition as zeros), and the same as running totals.
 * The database groups the transitions ({@link IncidentStore#dailyTransitions}); this class only lays them out.
 *
 * @param from       the UTC day the incident was created
 * @param days       one entry per day, oldest first, up to the day of {@code now}; at most {@value #MAX_DAYS} (the newest)
 * @param cumulative the running totals of {@code days}, transitions before the first day shown included
 */
public record DailyFunnel(LocalDate from, List<Day> days, List<Day> cumulative) {

    /** The most days one answer holds (the newest ones); older transitions count only in the running totals. */
    public static final int MAX_DAYS = 400;

    /** Milliseconds of one UTC day (no leap seconds in epoch time). */
    public static final long DAY_MILLIS = 86_400_000L;

    /** One UTC day: transitions into each state that day (or, in {@code cumulative}, up to and including it). */
    public record Day(LocalDate day, long flagged, long steppedUp, long remediated, long dismissed) {
    }

    /**
     * {@code count} history transitions into {@code to} on day {@code dayNo}, counted in days since the origin (UTC
     * midnight of the incident's creation day, {@link #originOf}): what the store's grouped query returns.
     */
    public record Transitions(long dayNo, FlagState to, long count) {
    }

    /** UTC midnight (epoch ms) of the day that holds {@code epochMillis}. */
    public static long originOf(long epochMillis) {
        return Math.floorDiv(epochMillis, DAY_MILLIS) * DAY_MILLIS;
    }

    /**
     * Lays out the grouped transitions of an incident created at {@code createdAt} as seen at {@code now} (both
     * epoch ms). A transition dated before the origin counts on the first day, one dated after {@code now} (a clock
     * set back) on the last.
     */
    public static DailyFunnel of(long createdAt, long now, List<Transitions> rows) {
        long origin = originOf(createdAt);
        long today = Math.max(0, Math.floorDiv(now - origin, DAY_MILLIS));
        long firstShown = Math.max(0, today - (MAX_DAYS - 1));
        int shown = (int) (today - firstShown + 1);
        long[][] perDay = new long[shown][4];
        long[] before = new long[4];
        for (Transitions t : rows) {
            long day = Math.min(today, Math.max(0, t.dayNo()));
            long[] into = day < firstShown ? before : perDay[(int) (day - firstShown)];
            into[column(t.to())] += t.count();
        }
        LocalDate fromDay = LocalDate.ofEpochDay(origin / DAY_MILLIS);
        List<Day> days = new ArrayList<>(shown);
        List<Day> cumulative = new ArrayList<>(shown);
        long[] running = before.clone();
        for (int i = 0; i < shown; i++) {
            LocalDate date = fromDay.plusDays(firstShown + i);
            long[] d = perDay[i];
            days.add(new Day(date, d[0], d[1], d[2], d[3]));
            for (int s = 0; s < 4; s++) {
                running[s] += d[s];
            }
            cumulative.add(new Day(date, running[0], running[1], running[2], running[3]));
        }
        return new DailyFunnel(fromDay, Collections.unmodifiableList(days), Collections.unmodifiableList(cumulative));
    }

    private static int column(FlagState state) {
        return switch (state) {
            case FLAGGED -> 0;
            case STEPPED_UP -> 1;
            case REMEDIATED -> 2;
            case DISMISSED -> 3;
        };
    }
}
