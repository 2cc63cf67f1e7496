package dev.breachresponse.keycloak.incident;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.breachresponse.keycloak.incident.IncidentStore.Exposure;

/**
 * What login enforcement asks of one user, derived from the user's open flags: the strictest open incident
 * wins. Pure logic (unit-tested); {@link Enforcement} reads the flags and fails closed when it cannot.
 *
 * @param enforced        the user has at least one open flag (or the flags could not be read)
 * @param requireMfa      a second factor must be passed, and enrolled first when the user has none
 * @param requirePasswordChange the password must be changed (after the mailbox is proven when no factor exists)
 * @param factors         factors that satisfy step-up, best first (the intersection of the open policies)
 * @param graceOpen       the user may still postpone enrolment (every open FLAGGED flag allows it)
 * @param exposures       the open flags with their incidents (empty when failed closed)
 * @param failedClosed    the flags could not be read: MFA is required with the realm's factors
 */
public record Decision(boolean enforced, boolean requireMfa, boolean requirePasswordChange, List<String> factors,
                       boolean graceOpen, List<Exposure> exposures, boolean failedClosed) {

    static final long DAY_MILLIS = 24L * 60 * 60 * 1000;

    public static final Decision NONE = new Decision(false, false, false, List.of(), false, List.of(), false);

    /** When the flags cannot be read: require MFA with the realm's factors, no grace, record nothing. */
    public static Decision failClosed(RealmSettings settings) {
        return new Decision(true, true, false, settings.allowedFactors(), false, List.of(), true);
    }

    public static Decision decide(List<Exposure> exposures, RealmSettings settings, long now) {
        if (exposures.isEmpty()) {
            return NONE;
        }
        boolean mfa = false;
        boolean password = false;
        boolean grace = true;
        Set<String> factors = null;
        for (Exposure e : exposures) {
            Policy p = e.incident().policy();
            mfa |= p.requireMfa();
            boolean passwordOutstanding = p.requirePasswordChange() && e.flag().passwordChangedAt() == null;
            password |= passwordOutstanding;
            if (p.requireMfa()) {
                factors = factors == null ? new LinkedHashSet<>(p.allowedFactors()) : intersect(factors, p.allowedFactors());
            }
            if (e.flag().state() == FlagState.FLAGGED) {
                grace &= !p.requirePasswordChange() && graceAllows(p.grace(), e.flag().flaggedAt(), e.flag().graceSkips(), now);
            }
        }
        List<String> ordered = new ArrayList<>(factors == null ? settings.allowedFactors() : factors);
        if (ordered.isEmpty()) {
            // two open incidents allow disjoint factors: the oldest incident's list decides
            ordered.addAll(exposures.get(0).incident().policy().allowedFactors());
        }
        return new Decision(true, mfa, password, List.copyOf(ordered), grace, List.copyOf(exposures), false);
    }

    /** A grace period is open while its days have not run out, or while skips remain. */
    static boolean graceAllows(Policy.Grace grace, long flaggedAt, int skipsUsed, long now) {
        boolean byDays = grace.days() > 0 && now < flaggedAt + grace.days() * DAY_MILLIS;
        boolean bySkips = grace.skips() > 0 && skipsUsed < grace.skips();
        return byDays || bySkips;
    }

    private static Set<String> intersect(Set<String> current, List<String> other) {
        Set<String> out = new LinkedHashSet<>(current);
        out.retainAll(other);
        return out;
    }

    /**
     * What this decision asks at a login, in one word: {@code step-up} (the user has an allowed factor),
     * {@code mailbox-proof} (none, and the password must change: the emailed link first), {@code enrol} (none),
     * {@code password-change} (no MFA asked), {@code none}. For events and the report-only counts.
     */
    public String ask(boolean hasAllowedFactor) {
        if (!enforced) {
            return "none";
        }
        if (!requireMfa) {
            return requirePasswordChange ? "password-change" : "none";
        }
        if (hasAllowedFactor) {
            return "step-up";
        }
        return requirePasswordChange ? "mailbox-proof" : "enrol";
    }

    /** The incidents of the exposures, each once, in the exposures' order: what the notice names. */
    public List<Incident> incidents() {
        Map<String, Incident> byKey = new LinkedHashMap<>();
        exposures.forEach(e -> byKey.putIfAbsent(e.incident().key().value(), e.incident()));
        return List.copyOf(byKey.values());
    }

    /** Incident ids, for notes and events. */
    public List<String> incidentIds() {
        return incidents().stream().map(i -> i.key().value()).toList();
    }
}
