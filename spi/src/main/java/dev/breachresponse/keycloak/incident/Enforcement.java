package dev.breachresponse.keycloak.incident;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.IncidentStore.Exposure;

/**
 * Reads a user's open flags and the realm settings for the authenticators and required actions, once per
 * request (cached as a session attribute), and splits them into what login enforces and what it only observes
 * (report-only incidents, break-glass members). Fails closed: when the store cannot be read, MFA is required.
 */
public final class Enforcement {

    private static final Logger LOG = Logger.getLogger(Enforcement.class);

    /** History detail of a flag re-opened at login because the user holds no allowed factor any more. */
    static final String DETAIL_NO_FACTOR_AT_LOGIN = "no allowed factor at login";

    private static final String CACHE = Enforcement.class.getName() + ".decision.";

    private Enforcement() {
    }

    /**
     * What login does with one user.
     *
     * @param enforce  what login enforces now (flags of enforcing incidents; NONE for a break-glass member)
     * @param observed what login would have asked but does not: the flags of report-only incidents, or all flags
     *                 of a break-glass member (NONE when there are none)
     * @param reason   {@value #REPORT_ONLY} or {@value #BREAK_GLASS} when {@code observed} holds flags, else null
     */
    public record Outcome(Decision enforce, Decision observed, String reason) {

        static final Outcome NONE = new Outcome(Decision.NONE, Decision.NONE, null);
    }

    public static final String REPORT_ONLY = "report-only";
    public static final String BREAK_GLASS = "break-glass";

    /** What login enforces for the user (see {@link #outcome}). */
    public static Decision decide(KeycloakSession session, RealmModel realm, UserModel user) {
        return outcome(session, realm, user).enforce();
    }

    /**
     * Reads the user's flags once per request (cached on the session): one indexed query for an unflagged user,
     * none when a login on this node found no flag since Keycloak last cached the user ({@link UnflaggedMark}).
     * Flags of report-only incidents, and every flag of a break-glass member, are observed rather than enforced.
     * Fails closed: an unreadable store requires MFA with the realm's factors (break-glass cannot be known then).
     */
    public static Outcome outcome(KeycloakSession session, RealmModel realm, UserModel user) {
        String key = CACHE + realm.getId() + "." + user.getId();
        Object cached = session.getAttribute(key);
        if (cached instanceof Outcome o) {
            return o;
        }
        if (UnflaggedMark.holds(session, realm, user)) {
            // a login on this node found no flag since Keycloak last cached the user, and none was inserted or moved to FLAGGED since
            session.setAttribute(key, Outcome.NONE);
            return Outcome.NONE;
        }
        Outcome o;
        try {
            IncidentStore store = session.getProvider(IncidentStore.class);
            List<Exposure> seen = store.loginExposures(realm, user.getId());
            if (seen.isEmpty()) {
                UnflaggedMark.set(session, realm, user);
            }
            // a factor can go without an event we hear (an admin, an import, federation): re-open before deciding
            List<Exposure> exposures = seen.isEmpty() ? seen
                    : Remediation.reopenWithoutFactor(store, realm, user, seen, Actor.SYSTEM, DETAIL_NO_FACTOR_AT_LOGIN);
            // an unflagged login (the common case) costs one indexed query: the realm settings only matter for flags
            o = exposures.isEmpty() ? Outcome.NONE : split(session, realm, user, exposures, settings(session, realm));
        } catch (RuntimeException e) {
            LOG.errorf(e, "breach-response: could not read the flags of a user in realm %s; requiring MFA (fail closed)", realm.getName());
            o = new Outcome(Decision.failClosed(settings(session, realm)), Decision.NONE, null);
        }
        session.setAttribute(key, o);
        return o;
    }

    private static Outcome split(KeycloakSession session, RealmModel realm, UserModel user, List<Exposure> exposures, RealmSettings settings) {
        long now = Time.currentTimeMillis();
        if (BreakGlass.isMember(session, realm, user, settings.breakGlass())) {
            return new Outcome(Decision.NONE, Decision.decide(exposures, settings, now), BREAK_GLASS);
        }
        List<Exposure> enforced = exposures.stream().filter(e -> !e.incident().policy().reportOnly()).toList();
        List<Exposure> observed = exposures.stream().filter(e -> e.incident().policy().reportOnly()).toList();
        return new Outcome(Decision.decide(enforced, settings, now), Decision.decide(observed, settings, now),
                observed.isEmpty() ? null : REPORT_ONLY);
    }

    /**
     * The user's open flags as this request's {@link #outcome} read them (enforced and observed, after re-opening the
     * flags of a user without an allowed factor), or null when this request has not read them or could not
     * ({@link Decision#failedClosed}). Spares a writer that runs right after login's read a second query.
     */
    public static List<Exposure> openExposures(KeycloakSession session, RealmModel realm, UserModel user) {
        Object cached = session.getAttribute(CACHE + realm.getId() + "." + user.getId());
        if (!(cached instanceof Outcome o) || o.enforce().failedClosed()) {
            return null;
        }
        List<Exposure> open = new ArrayList<>(o.enforce().exposures());
        open.addAll(o.observed().exposures());
        // the store's order (oldest flag first): writers lock one flag after another, always in the same order
        open.sort(Comparator.comparingLong((Exposure e) -> e.flag().flaggedAt()).thenComparing(e -> e.flag().id()));
        return open;
    }

    /** Forgets the cached decision after this request changed the user's flags. */
    public static void forget(KeycloakSession session, RealmModel realm, UserModel user) {
        session.removeAttribute(CACHE + realm.getId() + "." + user.getId());
    }

    /**
     * The realm attribute that versions the realm's settings: a random value, replaced in the transaction that saves
     * them ({@link #settingsChanged}). It holds no setting; Keycloak's realm cache carries it to every node and drops
     * it there when it changes, which is what tells a node that its copy of the settings is old.
     */
    static final String SETTINGS_VERSION = "breach-response.settings-version";

    /** A node's copy of a realm's settings is re-read at the latest after this time, whatever the version says. */
    static final long SETTINGS_MAX_AGE_MILLIS = 60_000;

    private record CachedSettings(String version, RealmSettings settings, long readAt) {
    }

    private static final Map<String, CachedSettings> SETTINGS = new ConcurrentHashMap<>();

    /**
     * The realm's settings; defaults when none were saved or when they cannot be read. Kept per node and realm while
     * the realm's {@value #SETTINGS_VERSION} attribute (from Keycloak's cached realm) is unchanged, for at most
     * {@value #SETTINGS_MAX_AGE_MILLIS} ms: a login reads no table for them.
     */
    public static RealmSettings settings(KeycloakSession session, RealmModel realm) {
        String version = realm.getAttribute(SETTINGS_VERSION);
        long now = System.currentTimeMillis();
        CachedSettings cached = SETTINGS.get(realm.getId());
        if (cached != null && Objects.equals(cached.version(), version) && now - cached.readAt() < SETTINGS_MAX_AGE_MILLIS) {
            return cached.settings();
        }
        try {
            RealmSettings read = session.getProvider(IncidentStore.class).realmConfig(realm)
                    .map(RealmSettingsCodec::fromStored)
                    .orElse(RealmSettings.DEFAULTS);
            SETTINGS.put(realm.getId(), new CachedSettings(version, read, now));
            return read;
        } catch (RuntimeException e) {
            LOG.errorf(e, "breach-response: could not read the settings of realm %s; using defaults", realm.getName());
            return RealmSettings.DEFAULTS;
        }
    }

    /**
     * Call in the transaction that saves the realm's settings: replaces {@value #SETTINGS_VERSION}, so every node reads
     * them again once it commits (Keycloak invalidates the cached realm across the cluster).
     */
    public static void settingsChanged(RealmModel realm) {
        realm.setAttribute(SETTINGS_VERSION, KeycloakModelUtils.generateId());
        SETTINGS.remove(realm.getId());
    }
}
