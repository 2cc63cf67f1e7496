package dev.breachresponse.keycloak.authn;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;
import dev.breachresponse.keycloak.incident.Factor;

/**
 * Puts the step-up's failures into Keycloak's brute-force protection, with the category of the Keycloak
 * authenticator that verified the factor.
 *
 * <p>Why this is needed: Keycloak counts a failure of a flow execution in
 * {@code AuthenticationProcessor.logFailure(execution.getAuthenticator())}, which passes the reference category of
 * the <em>execution's</em> authenticator to {@code BruteForceProtector.failedLogin}; the step-up execution is
 * "breach-step-up", and {@code DefaultBruteForceProtector.failedLogin} ignores every category outside
 * {@code ALLOWED_AUTHENTICATION_CATEGORIES} (password, otp, recovery-authn-codes). So a wrong code at the step-up
 * was never counted. {@link #failed} does what {@code logFailure} does, with the category Keycloak would have
 * used had its own authenticator been the execution (Keycloak 26.7, {@code AuthenticationProcessor},
 * {@code AuthenticationManager.lookupUserForBruteForceLog}).
 */
final class BruteForce {

    /**
     * Factors whose Keycloak authenticator refuses a locked-out user itself, on the submitted form
     * ({@code OTPFormAuthenticator.validateOTP}, {@code RecoveryAuthnCodesFormAuthenticator.isDisabledByBruteForce}).
     * Keycloak's WebAuthn authenticators do not: the step-up checks for them.
     */
    static final Set<Factor> CHECKS_LOCK_ITSELF = Collections.unmodifiableSet(EnumSet.of(Factor.OTP, Factor.RECOVERY_CODES));

    private BruteForce() {
    }

    /**
     * Counts one failed attempt of the user of this authentication session (the authenticated user, else the
     * attempted username), as Keycloak's {@code AuthenticationProcessor.logFailure} does, with the reference
     * category of {@code authenticatorId} (a Keycloak authenticator provider id, e.g. "auth-otp-form" → "otp").
     * Nothing when the realm is not brute-force protected. The protector itself decides whether the category
     * counts (WebAuthn's does not, in Keycloak's own forms either) and counts asynchronously.
     */
    static void failed(AuthenticationFlowContext context, String authenticatorId) {
        RealmModel realm = context.getRealm();
        if (!realm.isBruteForceProtected()) {
            return;
        }
        var session = context.getSession();
        UserModel user = AuthenticationManager.lookupUserForBruteForceLog(session, realm, context.getAuthenticationSession());
        if (user == null) {
            return;
        }
        context.getProtector().failedLogin(realm, user, context.getConnection(), session.getContext().getHttpRequest().getUri(),
                Optional.ofNullable(AuthenticationManager.getAuthenticationCategory(session, authenticatorId))
                        .map(Collections::singleton).orElse(null));
    }

    /**
     * Keycloak's event error when the user is locked out ({@code Errors.USER_DISABLED} for a permanent lockout,
     * {@code Errors.USER_TEMPORARILY_DISABLED} for a temporary one), else null; null too when brute-force
     * protection is off ({@code AuthenticatorUtils.getDisabledByBruteForceEventError}).
     */
    static String lockError(AuthenticationFlowContext context, UserModel user) {
        return AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
    }
}
