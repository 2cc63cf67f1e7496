package dev.breachresponse.keycloak.incident;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of one flag (one user exposed in one incident), and the one table of which changes are legal. Every
 * writer (admin API, bulk worker, login step-up and remediation, re-open on factor removal, dismissal) changes a
 * flag's state only through the store's guarded writer, which starts new flags in {@link #INITIAL} and asks
 * {@link #canMoveTo} for every move, single or batch. Adding a state means adding the constant and its row in
 * {@link #MOVES}; no writer has its own list.
 */
public enum FlagState {
    /** Exposed; the next login must step up (and enrol a factor if the user has none). */
    FLAGGED,
    /** Passed MFA at a login after being flagged; the policy may still ask for more (a password change). */
    STEPPED_UP,
    /** Everything the incident policy asks is done. */
    REMEDIATED,
    /** An admin decided the exposure does not apply to this user, with a reason. */
    DISMISSED;

    /** States that are enforced at login. */
    public static final Set<FlagState> OPEN = EnumSet.of(FLAGGED, STEPPED_UP);

    /** The state every new flag starts in, single or bulk (its history entry has no {@code from}). */
    public static final FlagState INITIAL = FLAGGED;

    /**
     * The transition table: each state with the states it may move to. STEPPED_UP/REMEDIATED → FLAGGED is a
     * re-open (the user removed the second factor while the incident is still open); DISMISSED → FLAGGED is an
     * explicit re-flag by an admin; no state moves to itself (that is not a change).
     */
    private static final Map<FlagState, Set<FlagState>> MOVES = table();

    private static Map<FlagState, Set<FlagState>> table() {
        Map<FlagState, Set<FlagState>> t = new EnumMap<>(FlagState.class);
        t.put(FLAGGED, EnumSet.of(STEPPED_UP, DISMISSED));
        t.put(STEPPED_UP, EnumSet.of(REMEDIATED, FLAGGED, DISMISSED));
        t.put(REMEDIATED, EnumSet.of(FLAGGED));
        t.put(DISMISSED, EnumSet.of(FLAGGED));
        for (FlagState s : values()) {
            if (!t.containsKey(s)) {
                throw new IllegalStateException("FlagState " + s + " has no row in the transition table");
            }
            t.put(s, Collections.unmodifiableSet(t.get(s)));
        }
        return Collections.unmodifiableMap(t);
    }

    public boolean isOpen() {
        return OPEN.contains(this);
    }

    /**
     * Whether login reads a flag in this state ({@link IncidentStore#loginExposures}): an open one, or a remediated one
     * while its incident is open (re-opened at login if the user lost every allowed factor). Only a move to
     * {@link #FLAGGED} turns a flag login does not read into one it reads ({@code FlagStateTest}): the store evicts
     * the user's cached entry, and with it {@link UnflaggedMark}, on inserts and on those moves only.
     */
    public boolean seenByLogin(boolean incidentOpen) {
        return isOpen() || (this == REMEDIATED && incidentOpen);
    }

    /** Whether the transition table allows this state to move to {@code next} (never to itself). */
    public boolean canMoveTo(FlagState next) {
        return MOVES.get(this).contains(next);
    }

    /** The states this one may move to, from the transition table (unmodifiable). */
    public Set<FlagState> moves() {
        return MOVES.get(this);
    }

    /** Parses a state name as given by a caller; {@code null} when it names no state. */
    public static FlagState parse(String value) {
        if (value == null) {
            return null;
        }
        for (FlagState s : values()) {
            if (s.name().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        return null;
    }
}
