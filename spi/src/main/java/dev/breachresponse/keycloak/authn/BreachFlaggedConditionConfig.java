package dev.breachresponse.keycloak.authn;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.keycloak.models.AuthenticatorConfigModel;

import dev.breachresponse.keycloak.incident.FlagState;

/**
 * Typed settings of the "Condition - breach flagged" execution. Missing config means: any incident, the open
 * states (FLAGGED, STEPPED_UP), not negated. Unknown state names are ignored rather than matching nothing.
 */
record BreachFlaggedConditionConfig(Set<String> incidents, Set<FlagState> states, boolean negate) {

    static final String INCIDENTS = "incidents";
    static final String STATES = "states";
    static final String NEGATE = "negate";

    static final BreachFlaggedConditionConfig DEFAULT = new BreachFlaggedConditionConfig(Set.of(), FlagState.OPEN, false);

    static BreachFlaggedConditionConfig from(AuthenticatorConfigModel model) {
        if (model == null || model.getConfig() == null) {
            return DEFAULT;
        }
        Map<String, String> c = model.getConfig();
        Set<String> incidents = split(c.get(INCIDENTS));
        EnumSet<FlagState> states = EnumSet.noneOf(FlagState.class);
        for (String s : split(c.get(STATES))) {
            FlagState parsed = FlagState.parse(s);
            if (parsed != null && parsed.isOpen()) {
                states.add(parsed);
            }
        }
        return new BreachFlaggedConditionConfig(incidents, states.isEmpty() ? FlagState.OPEN : states,
                Boolean.parseBoolean(c.get(NEGATE)));
    }

    /** Keycloak stores multivalued config as "##"-separated text; commas are accepted too. */
    private static Set<String> split(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(value.split("##|,")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        return out;
    }
}
