package dev.breachresponse.keycloak.incident;

import java.util.Map;

/**
 * The MFA adoption funnel of one incident: how many flags there are and how far they got. {@code steppedUp},
 * {@code enrolled} and {@code passwordChanged} count flags that ever reached that point (remediated included).
 */
public record Funnel(long flagged, Map<FlagState, Long> byState, long steppedUp, long enrolled, long passwordChanged) {

    public long state(FlagState s) {
        return byState.getOrDefault(s, 0L);
    }
}
