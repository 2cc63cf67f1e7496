package dev.breachresponse.keycloak.it;

import java.util.List;

import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.realm.RealmBuilder;
import org.keycloak.testframework.realm.RealmConfig;

/**
 * The realm of the login-enforcement tests: alice (password only), bob (password only, to be flagged), carol
 * (password + TOTP with a known secret), dave (password only, for the password-exposed incident); SMTP to the
 * framework's mail server; events on.
 */
public class EnforcementRealm implements RealmConfig {

    static final String CAROL_OTP_SECRET = "carol-totp-secret-0123456789";

    @Override
    public RealmBuilder configure(RealmBuilder realm) {
        UserRepresentation carol = Realms.user(null, "carol");
        CredentialRepresentation otp = new CredentialRepresentation();
        otp.setType("otp");
        otp.setUserLabel("phone");
        otp.setSecretData("{\"value\":\"" + CAROL_OTP_SECRET + "\"}");
        otp.setCredentialData("{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}");
        carol.setCredentials(List.of(carol.getCredentials().get(0), otp));
        return realm
                .users(Realms.user(null, "alice"), Realms.user(null, "bob"), carol, Realms.user(null, "dave"))
                .smtp("localhost", 3025, "breach@example.test")
                .eventsEnabled(true)
                .adminEventsEnabled(true)
                .adminEventsDetailsEnabled(true);
    }

    /** Offers English (the default) and German, and makes dave read German; {@code displayName} when not null. */
    static void englishAndGermanWithDaveInGerman(org.keycloak.testframework.realm.ManagedRealm realm, String displayName) {
        var rep = realm.admin().toRepresentation();
        rep.setInternationalizationEnabled(true);
        rep.setSupportedLocales(java.util.Set.of("en", "de"));
        rep.setDefaultLocale("en");
        if (displayName != null) {
            rep.setDisplayName(displayName);
        }
        realm.admin().update(rep);
        UserRepresentation dave = realm.admin().users().searchByUsername("dave", true).get(0);
        dave.setAttributes(java.util.Map.of("locale", List.of("de")));
        realm.admin().users().get(dave.getId()).update(dave);
    }
}
