package dev.breachresponse.keycloak.incident;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Realm defaults of the extension, held in its own table and changed through
 * {@code PUT /admin/realms/{realm}/breach-response/config}: the factors step-up accepts, the grace period for
 * enrolment, which factor a user without one enrols, and extra text for the breach notice per language.
 * New incidents take factors and grace from here unless their policy says otherwise. {@code remindersEnabled}
 * switches the reminder campaign (and escalation) of the realm on or off.
 */
public record RealmSettings(List<String> allowedFactors, Policy.Grace grace, String enrolmentFactor, Map<String, String> noticeText,
                            boolean remindersEnabled) {

    public static final RealmSettings DEFAULTS = new RealmSettings(Policy.DEFAULT_FACTORS, new Policy.Grace(0, 0), "otp", Map.of(), true);

    /** Factors a user without one may be asked to enrol (recovery codes are a fallback, not a first factor). */
    public static final List<String> ENROLLABLE = List.of("otp", "webauthn", "webauthn-passwordless");

    public RealmSettings {
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
