package dev.breachresponse.keycloak.incident;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which flags of one incident a listing, count or export selects: flags in one of {@code states} (all states
 * when empty) whose user's username or email starts with {@code prefix} ({@code null}: any user). The prefix is
 * matched case-insensitively against Keycloak's user table, so users without a row there never match it.
 */
public record FlagFilter(Set<FlagState> states, String prefix) {

    /** Every flag of the incident. */
    public static final FlagFilter ALL = new FlagFilter(Set.of(), null);

    public FlagFilter {
        states = states.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(states));
        prefix = prefix == null ? null : prefix.toLowerCase(Locale.ROOT);
        if (prefix != null && prefix.isEmpty()) {
            throw new IllegalArgumentException("an empty prefix selects nothing; use null for any user");
        }
    }

    public static FlagFilter states(Set<FlagState> states) {
        return new FlagFilter(states, null);
    }

    /** Whether a state is selected (every state when no state is named). */
    public boolean selects(FlagState state) {
        return states.isEmpty() || states.contains(state);
    }
}
