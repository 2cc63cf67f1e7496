package dev.breachresponse.keycloak.incident;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of one flag (one user exposed in one incident). The only place that says which changes are legal:
 * every writer goes through {@link IncidentStore#transition}, which asks {@link #canMoveTo}.
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

    public boolean isOpen() {
        return OPEN.contains(this);
    }

    /**
     * Legal moves. STEPPED_UP/REMEDIATED → FLAGGED is a re-open (the user removed the second factor while the
     * incident is still open); DISMISSED → FLAGGED is an explicit re-flag by an admin.
     */
    public boolean canMoveTo(FlagState next) {
        return switch (this) {
            case FLAGGED -> next == STEPPED_UP || next == DISMISSED;
            case STEPPED_UP -> next == REMEDIATED || next == FLAGGED || next == DISMISSED;
            case REMEDIATED -> next == FLAGGED;
            case DISMISSED -> next == FLAGGED;
        };
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
