package dev.breachresponse.keycloak.incident;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How far one incident got, as its listing shows it: flags per state and the time of the newest history entry of
 * any of its flags ({@code null} when it has none), from {@link IncidentStore#activity}.
 */
public record IncidentActivity(Map<FlagState, Long> counts, Long lastFlagChangeAt) {

    /** An incident without flags. */
    public static final IncidentActivity NONE = new IncidentActivity(Map.of(), null);

    public IncidentActivity {
        EnumMap<FlagState, Long> copy = new EnumMap<>(FlagState.class);
        copy.putAll(counts);
        counts = Collections.unmodifiableMap(copy);
    }

    /** Flags in {@code state} (0 when none). */
    public long count(FlagState state) {
        return counts.getOrDefault(state, 0L);
    }

    /**
     * Remediated flags as a percentage of the flags that were not dismissed, 0 to 100 with one decimal (half up);
     * 0 when every flag was dismissed or there are none.
     */
    public double remediatedPercent() {
        long all = 0;
        for (long n : counts.values()) {
            all += n;
        }
        long considered = all - count(FlagState.DISMISSED);
        return considered <= 0 ? 0.0 : Math.round(count(FlagState.REMEDIATED) * 1000.0 / considered) / 10.0;
    }

    /**
     * Epoch milliseconds of the incident's last activity: the newest history entry of its flags, or the incident's
     * own last change ({@code incidentUpdatedAt}: created, edited, closed) when that is newer or there are no flags.
     */
    public long lastActivityAt(long incidentUpdatedAt) {
        return lastFlagChangeAt == null ? incidentUpdatedAt : Math.max(lastFlagChangeAt, incidentUpdatedAt);
    }
}
