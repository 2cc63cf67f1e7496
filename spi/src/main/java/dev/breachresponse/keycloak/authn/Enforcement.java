package dev.breachresponse.keycloak.authn;

import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.IncidentStore.Exposure;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.RealmSettingsCodec;

/**
 * Reads a user's open flags and the realm settings for the authenticators and required actions, once per
 * request (cached as a session attribute). Fails closed: when the store cannot be read, MFA is required.
 */
public final class Enforcement {

    private static final Logger LOG = Logger.getLogger(Enforcement.class);

    /** History detail of a flag re-opened at login because the user holds no allowed factor any more. */
    static final String DETAIL_NO_FACTOR_AT_LOGIN = "no allowed factor at login";

    private static final String CACHE = Enforcement.class.getName() + ".decision.";

    private Enforcement() {
    }

    public static Decision decide(KeycloakSession session, RealmModel realm, UserModel user) {
        String key = CACHE + realm.getId() + "." + user.getId();
        Object cached = session.getAttribute(key);
        if (cached instanceof Decision d) {
            return d;
        }
        Decision d;
        try {
            IncidentStore store = session.getProvider(IncidentStore.class);
            List<Exposure> seen = store.loginExposures(realm, user.getId());
            // a factor can go without an event we hear (an admin, an import, federation): re-open before deciding
            List<Exposure> exposures = seen.isEmpty() ? seen
                    : Remediation.reopenWithoutFactor(store, realm, user, seen, Actor.SYSTEM, DETAIL_NO_FACTOR_AT_LOGIN);
            // an unflagged login (the common case) costs one indexed query: the realm settings only matter for flags
            d = exposures.isEmpty() ? Decision.NONE : Decision.decide(exposures, settings(session, realm), Time.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.errorf(e, "breach-response: could not read the flags of a user in realm %s; requiring MFA (fail closed)", realm.getName());
            d = Decision.failClosed(settings(session, realm));
        }
        session.setAttribute(key, d);
        return d;
    }

    /** Forgets the cached decision after this request changed the user's flags. */
    static void forget(KeycloakSession session, RealmModel realm, UserModel user) {
        session.removeAttribute(CACHE + realm.getId() + "." + user.getId());
    }

    /** The realm's settings; defaults when none were saved or when they cannot be read. */
    public static RealmSettings settings(KeycloakSession session, RealmModel realm) {
        try {
            return session.getProvider(IncidentStore.class).realmConfig(realm)
                    .map(RealmSettingsCodec::fromStored)
                    .orElse(RealmSettings.DEFAULTS);
        } catch (RuntimeException e) {
            LOG.errorf(e, "breach-response: could not read the settings of realm %s; using defaults", realm.getName());
            return RealmSettings.DEFAULTS;
        }
    }
}
