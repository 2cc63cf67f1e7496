package dev.breachresponse.keycloak.incident;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import dev.breachresponse.keycloak.incident.IncidentStore.Exposure;

/**
 * Records what a user did about their open flags, through the incident store (which writes the history):
 * a passed or newly enrolled factor moves FLAGGED to STEPPED_UP; a flag whose policy is then satisfied (the
 * password changed after flagging, where required) moves to REMEDIATED.
 */
public final class Remediation {

    public static final String CAUSE_LOGIN = "login";

    private Remediation() {
    }

    /**
     * A factor passed (or was enrolled) at this login: step up every FLAGGED flag whose policy asks for MFA, then
     * settle (a flag whose policy does not ask for MFA steps up on the password change there). The user's flags are
     * read once; a flag with nothing else to record is stepped up and remediated in one locked write
     * ({@link IncidentStore#recordStepUpAndRemediate}).
     *
     * @return whether a password change is still outstanding (see {@link #settle})
     */
    public static boolean steppedUp(KeycloakSession session, RealmModel realm, UserModel user, Factor factor, boolean enrolled) {
        return steppedUp(session, realm, user, factor, enrolled, null);
    }

    /**
     * {@link #steppedUp(KeycloakSession, RealmModel, UserModel, Factor, boolean)} on the open flags this request read
     * already ({@link Enforcement#openExposures}; null reads them): each write locks its flag and judges the state it
     * finds then, so a flag that moved since the read is left as it is now.
     */
    public static boolean steppedUp(KeycloakSession session, RealmModel realm, UserModel user, Factor factor, boolean enrolled,
                                    List<Exposure> open) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        Actor actor = Actor.user(user.getId());
        Optional<Long> passwordAt = passwordChangedAt(user);
        boolean outstanding = false;
        for (Exposure e : open != null ? open : store.openExposures(realm, user.getId())) {
            Flag f = e.flag();
            Policy p = e.incident().policy();
            if (f.state() == FlagState.FLAGGED && p.requireMfa() && !passwordChangeToRecord(f, passwordAt)) {
                f = store.recordStepUpAndRemediate(realm, f.id(), factor.key, enrolled, p.requirePasswordChange(), actor, CAUSE_LOGIN);
                outstanding |= f.state().isOpen() && passwordOutstanding(f, p);
                continue;
            }
            if (f.state() == FlagState.FLAGGED && p.requireMfa()) {
                f = store.recordStepUp(realm, f.id(), factor.key, enrolled, actor);
            }
            outstanding |= settle(store, realm, actor, passwordAt, f, p);
        }
        Enforcement.forget(session, realm, user);
        return outstanding;
    }

    /**
     * Records a password change made after flagging and remediates every open flag whose policy is satisfied.
     * A flag whose policy does not ask for MFA steps up on the password change alone.
     *
     * @return whether a password change is still outstanding on some open flag
     */
    public static boolean settle(KeycloakSession session, RealmModel realm, UserModel user) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        Actor actor = Actor.user(user.getId());
        Optional<Long> passwordAt = passwordChangedAt(user);
        boolean outstanding = false;
        for (Exposure e : store.openExposures(realm, user.getId())) {
            outstanding |= settle(store, realm, actor, passwordAt, e.flag(), e.incident().policy());
        }
        Enforcement.forget(session, realm, user);
        return outstanding;
    }

    /** {@link #settle} of one open flag under its incident's policy; true when its password change is outstanding. */
    private static boolean settle(IncidentStore store, RealmModel realm, Actor actor, Optional<Long> passwordAt, Flag f, Policy p) {
        if (passwordChangeToRecord(f, passwordAt)) {
            f = store.recordPasswordChange(realm, f.id(), passwordAt.get(), actor);
        }
        if (passwordOutstanding(f, p)) {
            return true;
        }
        if (f.state() == FlagState.FLAGGED && !p.requireMfa()) {
            f = store.recordStepUp(realm, f.id(), "password", false, actor);
        }
        if (f.state() == FlagState.STEPPED_UP) {
            store.transition(realm, f.id(), FlagState.REMEDIATED, actor, CAUSE_LOGIN,
                    f.stepUpFactor() == null ? null : "factor " + f.stepUpFactor());
        }
        return false;
    }

    /** The policy asks for a password change after flagging and the flag holds none. */
    private static boolean passwordOutstanding(Flag f, Policy p) {
        return p.requirePasswordChange() && f.passwordChangedAt() == null;
    }

    /** The user's password changed after the flag was set and the flag does not hold that change yet. */
    private static boolean passwordChangeToRecord(Flag f, Optional<Long> passwordAt) {
        return f.passwordChangedAt() == null && passwordAt.isPresent() && passwordAt.get() >= f.flaggedAt();
    }

    /** When the user's stored password was last set (Keycloak resets its created date on every change). */
    public static Optional<Long> passwordChangedAt(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .map(CredentialModel::getCreatedDate)
                .filter(Objects::nonNull)
                .max(Long::compare);
    }

    /** The password changed now (an event of a federated user whose password Keycloak does not store). */
    public static void passwordChangedNow(KeycloakSession session, RealmModel realm, UserModel user) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        long now = Time.currentTimeMillis();
        for (Exposure e : store.openExposures(realm, user.getId())) {
            store.recordPasswordChange(realm, e.flag().id(), now, Actor.user(user.getId()));
        }
        settle(session, realm, user);
    }

    /** History cause of a flag re-opened because the user no longer holds an allowed factor. */
    public static final String CAUSE_FACTOR_REMOVED = "factor-removed";

    /**
     * A credential was removed (by the user, or an admin): while the incident is open, a STEPPED_UP or REMEDIATED
     * flag of a user who no longer has any allowed factor goes back to FLAGGED; {@code detail} (the removed type, or
     * who removed it) goes into the history.
     *
     * @return how many flags were re-opened
     */
    public static int reopenIfNoFactor(KeycloakSession session, RealmModel realm, UserModel user, String detail, Actor actor) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        List<Exposure> before = store.loginExposures(realm, user.getId());
        List<Exposure> after = reopenWithoutFactor(store, realm, user, before, actor, detail);
        Enforcement.forget(session, realm, user);
        return (int) after.stream().filter(e -> e.flag().state() == FlagState.FLAGGED).count()
                - (int) before.stream().filter(e -> e.flag().state() == FlagState.FLAGGED).count();
    }

    /**
     * Re-opens, to FLAGGED, every STEPPED_UP or REMEDIATED flag of an open incident whose policy asks for MFA
     * while the user holds none of the policy's allowed factors, however the factor went (the user, an admin,
     * an import, a federation provider). The history names the cause {@value #CAUSE_FACTOR_REMOVED} and
     * {@code detail}.
     *
     * @param exposures what {@link IncidentStore#loginExposures} returned
     * @return the open exposures after the re-opening (REMEDIATED ones left out)
     */
    public static List<Exposure> reopenWithoutFactor(IncidentStore store, RealmModel realm, UserModel user, List<Exposure> exposures,
                                              Actor actor, String detail) {
        List<Exposure> open = new ArrayList<>(exposures.size());
        for (Exposure e : exposures) {
            Flag f = e.flag();
            boolean reopen = f.incidentOpen() && (f.state() == FlagState.STEPPED_UP || f.state() == FlagState.REMEDIATED)
                    && e.incident().policy().requireMfa()
                    && Factor.configured(user, e.incident().policy().allowedFactors()).isEmpty();
            if (reopen) {
                try {
                    f = store.transition(realm, f.id(), FlagState.FLAGGED, actor, CAUSE_FACTOR_REMOVED, detail);
                } catch (IllegalTransitionException concurrent) {
                    // a concurrent login re-opened (or an admin dismissed) it first: take the state as it is now
                    String id = f.id();
                    f = store.flagsOfUser(realm, user.getId()).stream().filter(x -> x.id().equals(id)).findFirst().orElse(f);
                }
            }
            if (f.state().isOpen()) {
                open.add(new Exposure(f, e.incident()));
            }
        }
        return open;
    }
}
