package dev.breachresponse.keycloak.report;

import java.util.Locale;
import java.util.Optional;

/** What happened to an account, as a security email tells it and a report names it. */
public enum Change {
    /** The password was changed (by the user, a reset, or an admin). */
    PASSWORD_CHANGED,
    /** A second factor was added. */
    FACTOR_ADDED,
    /** A second factor was removed (by the user or an admin). */
    FACTOR_REMOVED,
    /** The email address was changed (told to the previous address). */
    EMAIL_CHANGED;

    /** {@code password-changed}, {@code factor-added}, {@code factor-removed}: in tokens, templates and history. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<Change> byKey(String key) {
        for (Change c : values()) {
            if (c.key().equals(key)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
