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
 * {@code breakGlass} names the emergency accounts enforcement never blocks; {@code stepUpNotice} where a user who
 * steps up with a factor they have is told of the breach.
 */
public record RealmSettings(List<String> allowedFactors, Policy.Grace grace, String enrolmentFactor, Map<String, String> noticeText,
                            boolean remindersEnabled, Hygiene hygiene, EnforcementMode enforcement, BreakGlass breakGlass,
                            BreachedPasswords breachedPasswords, UserReports userReports, Alerts alerts, StepUpNotice stepUpNotice) {

    /**
     * Where a flagged user who steps up with a factor they already have is told of the breach (docs/admin-guide.md).
     * {@code PAGE} (JSON {@code "page"}, the default): the breach notice, a page of its own shown once the factor
     * passed, with a Continue button. {@code MESSAGE} ({@code "message"}): a short notice (no incident named: it is shown before the factor) on the page
     * that asks for the factor (the realm's own OTP form where its flow asks first, else the step-up's OTP, WebAuthn
     * or recovery-code page; Keycloak's forwarded info message), and the login goes on as soon as the factor passes:
     * one page and one request fewer. A user who enrols a factor sees the page either way, and so does one whom no
     * page showed the message.
     */
    public enum StepUpNotice {
        PAGE("page"), MESSAGE("message");

        public final String key;

        StepUpNotice(String key) {
            this.key = key;
        }

        /** @return the value for {@code key}, or null when none has it */
        public static StepUpNotice byKey(String key) {
            for (StepUpNotice n : values()) {
                if (n.key.equals(key)) {
                    return n;
                }
            }
            return null;
        }
    }

    /**
     * Admin alerts (docs/alerts.md): emails to the security contact ({@code contact}, or when null
     * {@code userReports.securityContact}). {@code digest}: a daily digest at {@code digestHourUtc} (0 to 23) of every
     * open incident. Threshold alerts, each sent at most once per {@code intervalMinutes} (5 to 10080), 0 switching one
     * off: {@code userReportsPerHour} reports ("this wasn't me") in the last 60 minutes; {@code enforcementGapsPerHour}
     * login paths on which the backstop refused a flagged user in the last 60 minutes; {@code failedDeliveries} rows of
     * the realm's outboxes (reminder and hygiene emails, back-channel logouts, webhook deliveries) failing now (FAILED
     * or DEAD); {@code failedJobsPerHour} bulk jobs that ended FAILED in the last 60 minutes. Off by default.
     */
    public record Alerts(boolean enabled, String contact, boolean digest, int digestHourUtc, int intervalMinutes, int userReportsPerHour,
                         int enforcementGapsPerHour, int failedDeliveries, int failedJobsPerHour) {

        public static final Alerts DEFAULTS = new Alerts(false, null, true, 7, 60, 3, 1, 10, 1);
    }

    /**
     * "This wasn't me" (docs/user-reports.md). {@code securityEmails}: users are told by email when their password
     * changes and when a second factor is added or removed, each email with a single-use report link valid
     * {@code linkDays} days; a report flags the user in the standing incident {@value StandingIncidents#USER_REPORTED}
     * and revokes their sessions. {@code securityContact}: the address that hears of each report (null: nobody).
     */
    public record UserReports(boolean securityEmails, String securityContact, int linkDays) {

        public static final UserReports DEFAULTS = new UserReports(false, null, 7);
    }

    /**
     * Breached-password detection (docs/breached-passwords.md). {@code checkAtLogin}: the password a user just typed
     * at a login (browser or direct grant, after Keycloak verified it) is looked up, and a hit flags the user in the
     * realm's standing incident {@value StandingIncidents#BREACHED_PASSWORDS}. The sources, shared with the
     * {@code breached-password} password policy: {@code rangeApiUrl}, a Pwned Passwords range API (k-anonymity: only
     * the first 5 hex digits of the password's SHA-1 leave the server; null: not asked); {@code offlineCorpus}, the
     * server's offline corpus and custom lists, when the server has them (server options). A password seen at least
     * {@code minCount} times counts as breached at login (the policy has its own threshold). {@code failClosed}: when
     * no source can answer, refuse (true) or let the login or password change proceed, counted (false, the default).
     */
    public record BreachedPasswords(boolean checkAtLogin, String rangeApiUrl, boolean offlineCorpus, int minCount, boolean failClosed) {

        /** The public Pwned Passwords range API (Have I Been Pwned). */
        public static final String PUBLIC_RANGE_API = "https://api.pwnedpasswords.com";

        public static final BreachedPasswords DEFAULTS = new BreachedPasswords(false, PUBLIC_RANGE_API, true, 1, false);
    }

    /** Settings without breached-password detection's, user reports', alerts' and the step-up notice's (they take their defaults). */
    public RealmSettings(List<String> allowedFactors, Policy.Grace grace, String enrolmentFactor, Map<String, String> noticeText,
                         boolean remindersEnabled, Hygiene hygiene, EnforcementMode enforcement, BreakGlass breakGlass) {
        this(allowedFactors, grace, enrolmentFactor, noticeText, remindersEnabled, hygiene, enforcement, breakGlass, BreachedPasswords.DEFAULTS,
                UserReports.DEFAULTS, Alerts.DEFAULTS, StepUpNotice.PAGE);
    }

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
        Objects.requireNonNull(breachedPasswords, "breachedPasswords");
        Objects.requireNonNull(userReports, "userReports");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(stepUpNotice, "stepUpNotice");
        allowedFactors = List.copyOf(allowedFactors);
        noticeText = Map.copyOf(new LinkedHashMap<>(noticeText));
    }

    /** Where admin alerts go: {@code alerts.contact}, else {@code userReports.securityContact}; null when neither is set. */
    public String alertContact() {
        return alerts.contact() != null ? alerts.contact() : userReports.securityContact();
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
