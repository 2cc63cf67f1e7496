package dev.breachresponse.keycloak.password;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

import dev.breachresponse.keycloak.incident.RealmSettings;

/**
 * Looks a password up in the realm's breach sources (SPI {@value BreachedPasswordsSpi#NAME}, docs/breached-passwords.md):
 * the server's custom lists and offline corpus (when the realm's {@code offlineCorpus} is on and the server has them),
 * then the realm's range API. The password is hashed (SHA-1) and dropped; neither it nor its hash is kept or logged.
 */
public interface BreachedPasswords extends Provider {

    /** What a lookup found. */
    enum Result { CLEAN, BREACHED, UNAVAILABLE }

    /**
     * @param count  how often the password was seen (0 when clean or unknown; {@link Long#MAX_VALUE} for a custom list)
     * @param source {@code custom}, {@code offline} or {@code range} for a hit, else null
     * @param error  why no source could answer (UNAVAILABLE), else null; a category, never an address
     */
    record Verdict(Result result, long count, String source, String error) {

        /** The hit's count as a band ("1", "2-9", "10-99", …, "100000+", "custom list"): what history keeps. */
        public String band() {
            if ("custom".equals(source)) {
                return "custom list";
            }
            if (count <= 1) {
                return "1";
            }
            long lower = 1;
            while (lower * 10 <= count && lower < 100_000) {
                lower *= 10;
            }
            return lower >= 100_000 ? "100000+" : (lower == 1 ? 2 : lower) + "-" + (lower * 10 - 1);
        }
    }

    /**
     * Checks one password; never throws (an unexpected failure is UNAVAILABLE).
     *
     * @param minCount a password seen fewer times counts as CLEAN (custom lists always hit)
     */
    Verdict check(RealmModel realm, RealmSettings.BreachedPasswords settings, String password, int minCount);

    @Override
    default void close() {
        // the factory holds the sources
    }

    static BreachedPasswords of(KeycloakSession session) {
        return session.getProvider(BreachedPasswords.class);
    }
}
