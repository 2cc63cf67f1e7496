package dev.breachresponse.keycloak.incident;

import java.util.List;
import java.util.Objects;

/**
 * What a flagged user must do, per incident. Built by {@link PolicyCodec} from NIST-derived defaults
 * (see {@link #defaultsFor}) overlaid with what the caller gave.
 */
public record Policy(
        boolean requireMfa,
        boolean requirePasswordChange,
        boolean revokeSessions,
        List<String> allowedFactors,
        Grace grace,
        Reminders reminders,
        int deadlineDays,
        OnDeadline onDeadline,
        EnforcementMode enforcement) {

    public record Grace(int days, int skips) {
    }

    public record Reminders(boolean enabled, List<Integer> afterDays) {
    }

    public record OnDeadline(boolean requiredActions, boolean revokeSessions, boolean disableAccount) {
    }

    public Policy {
        allowedFactors = List.copyOf(allowedFactors);
        Objects.requireNonNull(enforcement, "enforcement");
    }

    /** An enforcing policy (the default mode). */
    public Policy(boolean requireMfa, boolean requirePasswordChange, boolean revokeSessions, List<String> allowedFactors,
                  Grace grace, Reminders reminders, int deadlineDays, OnDeadline onDeadline) {
        this(requireMfa, requirePasswordChange, revokeSessions, allowedFactors, grace, reminders, deadlineDays, onDeadline,
                EnforcementMode.ENFORCE);
    }

    /** {@code report-only}: login records what it would ask instead of asking. */
    public boolean reportOnly() {
        return enforcement == EnforcementMode.REPORT_ONLY;
    }

    /**
     * The realm's defaults (factors, grace, enforcement mode) over {@link #defaultsFor(List)}; an exposed secret
     * keeps no grace.
     */
    public static Policy defaultsFor(List<String> exposedData, RealmSettings realm) {
        Policy p = defaultsFor(exposedData);
        Grace grace = p.requirePasswordChange() ? p.grace() : realm.grace();
        return new Policy(p.requireMfa(), p.requirePasswordChange(), p.revokeSessions(), realm.allowedFactors(), grace,
                p.reminders(), p.deadlineDays(), p.onDeadline(), realm.enforcement());
    }

    /**
     * Defaults per NIST SP 800-63B rev 4: an exposed email or location needs MFA and step-up only; an exposed
     * password or credential also needs a password change, and no grace period.
     */
    public static Policy defaultsFor(List<String> exposedData) {
        boolean secret = ExposedData.includesSecret(exposedData);
        return new Policy(
                true,
                secret,
                true,
                Factor.PRIMARY_KEYS,
                new Grace(0, 0),
                new Reminders(true, List.of(0, 3, 7, 14)),
                14,
                new OnDeadline(true, true, false));
    }
}
