package dev.breachresponse.keycloak.authn;

import java.util.Arrays;
import java.util.List;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;

/**
 * Which factors a flagged user without one may enrol, and what to queue for it. Offered: the allowed factors
 * of the strictest open incident ({@link Decision#factors()}) that are enrollable
 * (not a {@link Factor#fallback}) and whose Keycloak enrolment required action is registered and enabled in
 * the realm, phishing-resistant first: passkey, security key, authenticator app. More than one offered →
 * the choice page ({@link BreachChooseFactorActionFactory#ID}); exactly one → its enrolment directly.
 */
final class FactorChoice {

    private FactorChoice() {
    }

    /** The factors the choice page offers, in display order; may be empty (then nothing can be enrolled). */
    static List<Factor> offered(KeycloakSession session, RealmModel realm, Decision d) {
        // Factor's declaration order is the display order: passkeys first (they resist phishing, the threat after a
        // contact-data leak)
        return Arrays.stream(Factor.values())
                .filter(f -> !f.fallback && d.factors().contains(f.key))
                .filter(f -> actionAvailable(session, realm, f.enrolAction))
                .toList();
    }

    /** Whether the choice page is shown: more than one factor offered and our action enabled in the realm. */
    static boolean choosing(KeycloakSession session, RealmModel realm, Decision d) {
        return offered(session, realm, d).size() > 1 && actionAvailable(session, realm, BreachChooseFactorActionFactory.ID);
    }

    /**
     * The required action that starts the enrolment: the choice page, or the one enrolment action of
     * {@link BreachStepUpAuthenticator#enrolmentFactor} (today's behaviour with a single factor).
     */
    static String enrolmentAction(KeycloakSession session, RealmModel realm, Decision d) {
        return choosing(session, realm, d)
                ? BreachChooseFactorActionFactory.ID
                : BreachStepUpAuthenticator.enrolmentFactor(session, realm, d).enrolAction;
    }

    /**
     * The option checked when the page opens: the realm's {@code enrolmentFactor} when offered, else the first.
     * The page's script moves the check to the passkey when the browser has WebAuthn.
     */
    static Factor preselected(KeycloakSession session, RealmModel realm, List<Factor> offered) {
        String preferred = Enforcement.settings(session, realm).enrolmentFactor();
        return offered.stream().filter(f -> f.key.equals(preferred)).findFirst().orElse(offered.get(0));
    }

    /**
     * Recovery codes are offered (an opt-in box on the choice page) when the policy allows the
     * {@code recovery-codes} factor, Keycloak's {@code CONFIGURE_RECOVERY_AUTHN_CODES} action is available
     * (feature {@code recovery-codes}) and enabled, and the user has none yet. Keycloak's action has no "skip",
     * so it is queued only when the user ticks the box.
     */
    static boolean recoveryCodesOffered(KeycloakSession session, RealmModel realm, UserModel user, Decision d) {
        return d.factors().contains(Factor.RECOVERY_CODES.key)
                && actionAvailable(session, realm, Factor.RECOVERY_CODES.enrolAction)
                && !user.credentialManager().isConfiguredFor(Factor.RECOVERY_CODES.credentialType);
    }

    /** A required action registered and enabled in the realm whose provider exists on this server. */
    static boolean actionAvailable(KeycloakSession session, RealmModel realm, String alias) {
        return BreachStepUpAuthenticator.enabled(realm, alias)
                && session.getKeycloakSessionFactory().getProviderFactory(RequiredActionProvider.class,
                        realm.getRequiredActionProviderByAlias(alias).getProviderId()) instanceof RequiredActionFactory;
    }
}
