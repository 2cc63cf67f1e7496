package dev.breachresponse.keycloak.incident;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Realm defaults of the extension, held in its own table and changed through
 * {@code PUT /admin/realms/{realm}/breach-response/config}: the factors step-up accepts, the grace period for
 * enrolment, which factor a user without one enrols, and extra text for the breach notice per language.
 * New incidents take factors and grace from here unless their policy says otherwise. {@code remindersEnabled}
 * switches the reminder campaign (and escalation) of the realm on or off; {@code hygiene} the campaign for all
 * users (off by default); {@code enforcement} is the mode new incidents get unless their policy says otherwise;
 * {@code breakGlass} names the emergency accounts enforcement never blocks.
 */
public record RealmSettings(List<String> allowedFactors, Policy.Grace grace, String enrolmentFactor, Map<String, String> noticeText,
                            boolean remindersEnabled, Hygiene hygiene, EnforcementMode enforcement, BreakGlass breakGlass) {

    /**
     * Break-glass exclusions: members of these roles ({@code role} for a realm role, {@code clientId/role} for a
     * client role; composite and group-inherited membership counts) or groups ({@code /path/of/group}, subgroups
     * included) are never challenged, escalated or disabled by this extension. They can be flagged, are counted and
     * reported, and each login of a flagged member is a user event. Meant for emergency admin accounts.
     */
    public record BreakGlass(List<String> roles, List<String> groups) {

        public static final BreakGlass NONE = new BreakGlass(List.of(), List.of());

        public BreakGlass {
            roles = List.copyOf(roles);
            groups = List.copyOf(groups);
        }

        public boolean isEmpty() {
            return roles.isEmpty() && groups.isEmpty();
        }
    }

    /**
     * The hygiene campaign: a slow walk over all users of the realm. {@code mfaNudges}: a user without an allowed
     * second factor gets one email per pass asking to set one up. {@code everyDays}: a new pass starts at most
     * this often (so at most one hygiene email per user in that time). {@code passwordAgeDays}: 0 (off, the
     * default: NIST SP 800-63B rev 4 advises against periodic password changes), else the password age after which
     * the email also asks for a new password.
     */
    public record Hygiene(boolean mfaNudges, int everyDays, int passwordAgeDays) {

        public static final Hygiene OFF = new Hygiene(false, 30, 0);

        public boolean on() {
            return mfaNudges || passwordAgeDays > 0;
        }
    }

    public static final RealmSettings DEFAULTS = new RealmSettings(Factor.PRIMARY_KEYS, new Policy.Grace(0, 0), Factor.OTP.key, Map.of(), true,
            Hygiene.OFF, EnforcementMode.ENFORCE, BreakGlass.NONE);

    public RealmSettings {
        Objects.requireNonNull(enforcement, "enforcement");
        Objects.requireNonNull(breakGlass, "breakGlass");
        allowedFactors = List.copyOf(allowedFactors);
        noticeText = Map.copyOf(new LinkedHashMap<>(noticeText));
    }

    /** The notice text override for a locale (language tag or its language), if any. */
    public String noticeTextFor(Locale locale) {
        if (locale == null) {
            return noticeText.get("en");
        }
        String exact = noticeText.get(locale.toLanguageTag());
        return exact != null ? exact : noticeText.getOrDefault(locale.getLanguage(), noticeText.get("en"));
    }
}
