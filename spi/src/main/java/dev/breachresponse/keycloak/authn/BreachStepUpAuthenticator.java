package dev.breachresponse.keycloak.authn;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.authentication.authenticators.directgrant.ValidateOTP;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;
import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.Remediation;
import dev.breachresponse.keycloak.metrics.BreachMetrics;

/**
 * Breach step-up: a flagged user passes a second factor they already have, using Keycloak's own OTP form,
 * WebAuthn or recovery-code authenticator (this class only decides which, and records the outcome). A user
 * with no allowed factor is not "configured": Keycloak then asks {@link #setRequiredActions}, which puts the
 * notice, the enrolment (after the mailbox proof when the password was exposed) and the verification on the
 * authentication session, never on the user. Direct grant gets an OAuth2 error unless a valid OTP is sent.
 */
final class BreachStepUpAuthenticator implements Authenticator {

    static final String NOTE_FACTOR = "breach-response.step-up.factor";
    static final String NOTE_ENROLLING = "breach-response.enrolling";
    /**
     * The factor passed and the notice is shown in the step-up's response: the user's id, the step-up execution's
     * id and the credential type Keycloak's authenticator passed with its success (empty when none), one per line.
     * Only that execution, for that user, continues on it; the notice's Continue passes the credential type on
     * ({@code success(credentialType)}: Keycloak records it for the login's amr and its brute-force protection).
     */
    static final String NOTE_NOTICE = "breach-response.step-up.notice";

    /** The user (id) this login handed the notice to as a message ({@link #forwardNoticeMessage}). */
    static final String NOTE_TOLD = "breach-response.step-up.told";

    /** A pending notice ({@link #NOTE_NOTICE}): the step-up execution that showed it and the credential type. */
    record PendingNotice(String executionId, String credentialType) {
    }
    static final String DIRECT_GRANT_PATH = "token";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (noticePending(context) != null) {
            // the notice's page again (a reload: Keycloak walks the flow again): the factor passed already here
            context.challenge(notice(context, IncidentNote.incidents(context.getSession(), context.getRealm(), context.getAuthenticationSession()),
                    context.getAuthenticationSession().getRequiredActions().contains(UserModel.RequiredAction.UPDATE_PASSWORD.name())));
            return;
        }
        Enforcement.Outcome outcome = Enforcement.outcome(context.getSession(), context.getRealm(), user);
        LoginMetrics.check(outcome);
        Observation.record(context, outcome);
        Decision d = outcome.enforce();
        if (!d.enforced()) {
            // nothing to enforce: the backstop never acts on such a user either, so no note is written
            context.success();
            return;
        }
        Optional<Factor> earlier = passedEarlier(context, d);
        if (earlier.isPresent()) {
            // the flow already verified an allowed factor in this very login (the realm's own OTP step): no second code
            if (DIRECT_GRANT_PATH.equals(context.getFlowPath()) && d.requirePasswordChange()) {
                refusePasswordChange(context);
                return;
            }
            Response notice = passed(context, earlier.get(), d, null);
            if (notice != null) {
                context.challenge(notice);
            } else {
                context.success();
            }
            return;
        }
        if (DIRECT_GRANT_PATH.equals(context.getFlowPath())) {
            directGrant(context, d);
            return;
        }
        List<Factor> factors = Factor.configured(user, d.factors());
        if (factors.isEmpty()) {
            // Keycloak only calls authenticate() when configuredFor() was true; never let a user through without one
            context.getEvent().user(user).error(Errors.INVALID_USER_CREDENTIALS);
            LoginMetrics.decision(context.getAuthenticationSession(), BreachMetrics.Decision.DENIED);
            context.failure(AuthenticationFlowError.CREDENTIAL_SETUP_REQUIRED);
            return;
        }
        Factor factor = factors.get(0);
        LoginMetrics.decision(context.getAuthenticationSession(), BreachMetrics.Decision.CHALLENGED);
        context.getAuthenticationSession().setAuthNote(NOTE_FACTOR, factor.key);
        forwardNoticeMessage(context, d);
        delegate(context, factor).authenticate(capture(context, factor, d));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        PendingNotice notice = noticePending(context);
        if (notice != null) {
            // the notice's Continue (a reload sends no form again: Keycloak answers a used code with the flow's GET)
            context.getAuthenticationSession().removeAuthNote(NOTE_NOTICE);
            context.success(notice.credentialType().isEmpty() ? null : notice.credentialType());
            return;
        }
        String key = context.getAuthenticationSession().getAuthNote(NOTE_FACTOR);
        Factor factor = key == null ? null : Factor.byKey(key).orElse(null);
        if (factor == null) {
            authenticate(context);
            return;
        }
        if (!BruteForce.CHECKS_LOCK_ITSELF.contains(factor) && refusedLocked(context)) {
            return;
        }
        Decision d = Enforcement.decide(context.getSession(), context.getRealm(), context.getUser());
        delegate(context, factor).action(capture(context, factor, d));
    }

    /**
     * A locked-out user (Keycloak's brute-force protection) is refused before the factor is checked, with
     * Keycloak's event error and message, as its username-password form does; not counted again.
     */
    private static boolean refusedLocked(AuthenticationFlowContext context) {
        String error = BruteForce.lockError(context, context.getUser());
        if (error == null) {
            return false;
        }
        context.getEvent().user(context.getUser()).error(error);
        context.forceChallenge(context.form()
                .setError(Errors.USER_TEMPORARILY_DISABLED.equals(error) ? Messages.ACCOUNT_TEMPORARILY_DISABLED : Messages.ACCOUNT_PERMANENTLY_DISABLED)
                .createErrorPage(Response.Status.UNAUTHORIZED));
        return true;
    }

    /**
     * Keycloak authenticators that verify a factor, by the factor they verify. Not Keycloak's legacy "Conditional OTP
     * Form" ({@code auth-conditional-otp-form}): it reports success when it SKIPS the code (skip role, header,
     * default outcome), which would count as a step-up nobody passed.
     */
    private static final Map<String, Factor> VERIFIERS = verifiers();

    private static Map<String, Factor> verifiers() {
        Map<String, Factor> m = new HashMap<>();
        for (Factor f : Factor.values()) {
            m.put(f.authenticatorId, f);
        }
        m.put(DIRECT_GRANT_OTP, Factor.OTP);
        return Map.copyOf(m);
    }

    /**
     * An allowed factor that an earlier execution of this same authentication session verified (not an SSO
     * cookie: execution results belong to one login).
     */
    private static Optional<Factor> passedEarlier(AuthenticationFlowContext context, Decision d) {
        // only this flow's executions: a login can move to another flow (the login page's "forgot password", the
        // reset-credentials URL) and choose another user there without Keycloak clearing the statuses of the first
        AuthenticationFlowModel top = context.getTopLevelFlow();
        Set<String> here = top == null ? Set.of() : executionsOf(context.getRealm(), top.getId());
        for (var entry : context.getAuthenticationSession().getExecutionStatus().entrySet()) {
            if (entry.getValue() != AuthenticationSessionModel.ExecutionStatus.SUCCESS || !here.contains(entry.getKey())) {
                continue;
            }
            var execution = context.getRealm().getAuthenticationExecutionById(entry.getKey());
            Factor f = execution == null || execution.getAuthenticator() == null ? null : VERIFIERS.get(execution.getAuthenticator());
            // the user must hold that factor: a success of an execution that verified nothing of theirs counts for nothing
            if (f != null && d.factors().contains(f.key) && Factor.configured(context.getUser(), List.of(f.key)).contains(f)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Ids of the executions of the flow {@code flowId} and of its sub-flows at any depth (Keycloak's cached realm). */
    static Set<String> executionsOf(RealmModel realm, String flowId) {
        Set<String> executions = new HashSet<>();
        Set<String> flows = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(flowId));
        while (!todo.isEmpty()) {
            String flow = todo.pop();
            if (flows.add(flow)) {
                realm.getAuthenticationExecutionsStream(flow).forEach(e -> {
                    executions.add(e.getId());
                    if (e.isAuthenticatorFlow() && e.getFlowId() != null) {
                        todo.push(e.getFlowId());
                    }
                });
            }
        }
        return executions;
    }

    private static Authenticator delegate(AuthenticationFlowContext context, Factor factor) {
        AuthenticatorFactory f = (AuthenticatorFactory) context.getSession().getKeycloakSessionFactory()
                .getProviderFactory(Authenticator.class, factor.authenticatorId);
        if (f == null) {
            throw new IllegalStateException("Keycloak authenticator " + factor.authenticatorId + " is not available");
        }
        return f.create(context.getSession());
    }

    private static AuthenticationFlowContext capture(AuthenticationFlowContext context, Factor factor, Decision d) {
        return SuccessCapture.wrap(context, factor.authenticatorId, credentialType -> passed(context, factor, d, credentialType));
    }

    /**
     * With the realm's {@code stepUpNotice} "message" ({@link RealmSettings.StepUpNotice#MESSAGE}): hands the breach
     * notice to the next form of this login as Keycloak's forwarded info message
     * ({@code AuthenticationFlowContext#setForwardedInfoMessage}, kept on the authentication session until a form takes
     * it), which every login theme's {@code template.ftl} shows in its message area: the realm's own OTP form when its
     * flow asks for the code before the step-up ({@link BreachPasswordCheck} calls this right after the password), else
     * the step-up's factor page. It is shown before the factor, so it names no incident and says nothing of the
     * password (whoever got past the first step, a password, an SSO cookie, an identity provider or a reset link, learns
     * no more than that a second factor is asked); its one parameter
     * is the realm's notice text, with {@code <}, {@code >} and {@code &} replaced ({@link #plain}): Keycloak fills
     * message parameters in unescaped and the base theme renders a message through its sanitizer, which keeps links.
     * Only for a user the step-up will ask for a factor they have, in a browser login; {@link #noticeTold} then tells
     * whether a form took it. Otherwise forgets any earlier hand-over.
     */
    static void forwardNoticeMessage(AuthenticationFlowContext context, Decision d) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        RealmSettings settings = Enforcement.settings(session, realm);
        if (user == null || !d.enforced() || !d.requireMfa() || DIRECT_GRANT_PATH.equals(context.getFlowPath()) || isDirectGrant(session)
                || settings.stepUpNotice() != RealmSettings.StepUpNotice.MESSAGE
                || (d.incidents().isEmpty() && !d.failedClosed()) || !enabled(realm, BreachNoticeActionFactory.ID)
                || Factor.configured(user, d.factors()).isEmpty()) {
            authSession.removeAuthNote(NOTE_TOLD);
            return;
        }
        String extra = d.failedClosed() ? null : settings.noticeTextFor(session.getContext().resolveLocale(user));
        // failed closed: whether there is a flag at all is unknown, so only the request for a second factor
        context.setForwardedInfoMessage(d.failedClosed() ? "breachNoticeStepUp" : "breachStepUpMessage", extra == null ? "" : plain(extra));
        authSession.setAuthNote(NOTE_TOLD, user.getId());
    }

    /**
     * {@code text} with {@code <}, {@code >} and {@code &} replaced by look-alikes (U+2039, U+203A, U+FF06): neither a
     * tag nor an entity can form, so no markup reaches a theme whatever it does with a message (keycloak.v2 escapes it;
     * the base theme's {@code kcSanitize} first decodes entities, then keeps the tags its policy allows, links among them).
     */
    static String plain(String text) {
        return text.replace('<', '\u2039').replace('>', '\u203a').replace('&', '\uff06');
    }

    /**
     * A form of this login took the notice as a message for this user ({@link #forwardNoticeMessage}), the realm
     * still tells it so, and Keycloak's forwarded message is gone. Taken is as close to "seen" as Keycloak tells: a
     * response the browser never showed (a double submit) loses the message, once.
     */
    private static boolean noticeTold(AuthenticationFlowContext context) {
        return context.getUser().getId().equals(context.getAuthenticationSession().getAuthNote(NOTE_TOLD))
                && context.getForwardedInfoMessage() == null
                && Enforcement.settings(context.getSession(), context.getRealm()).stepUpNotice() == RealmSettings.StepUpNotice.MESSAGE;
    }

    /**
     * The notice this very execution showed to this user, pending its Continue; null when none is. A note of
     * another user (a flow that moved on to someone else: reset credentials, a restarted login) or of another
     * execution counts for nothing.
     */
    private static PendingNotice noticePending(AuthenticationFlowContext context) {
        PendingNotice n = noticePending(context.getAuthenticationSession(), context.getUser());
        return n != null && context.getExecution() != null && n.executionId().equals(context.getExecution().getId()) ? n : null;
    }

    /** The notice pending for this user in this authentication session, whichever execution showed it; or null. */
    static PendingNotice noticePending(AuthenticationSessionModel authSession, UserModel user) {
        String note = authSession == null ? null : authSession.getAuthNote(NOTE_NOTICE);
        if (note == null || user == null) {
            return null;
        }
        String[] parts = note.split("\n", -1);
        return parts.length == 3 && parts[0].equals(user.getId()) && !parts[1].isEmpty() ? new PendingNotice(parts[1], parts[2]) : null;
    }

    /** The breach notice as the step-up shows it: no enrolment, no mailbox proof, no postponing. */
    private static Response notice(AuthenticationFlowContext context, List<Incident> incidents, boolean passwordChange) {
        return BreachNoticeAction.page(context.form(), context.getSession(), context.getRealm(), context.getUser(), incidents,
                false, false, passwordChange, false).createForm(BreachNoticeAction.TEMPLATE);
    }

    /**
     * The factor passed: record it, queue what the policy still asks (password change), and return the notice
     * page to show now (null in a direct grant, which has no pages, or when there is nothing to tell).
     *
     * @param credentialType what Keycloak's authenticator passed with its success, null for none
     */
    private static Response passed(AuthenticationFlowContext context, Factor factor, Decision d, String credentialType) {
        KeycloakSession session = context.getSession();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        EnforcementBackstop.markChecked(authSession, context.getUser());
        LoginMetrics.decision(authSession, BreachMetrics.Decision.STEPPED_UP);
        boolean passwordOutstanding = d.failedClosed()
                ? d.requirePasswordChange()
                : Remediation.steppedUp(session, context.getRealm(), context.getUser(), factor, false,
                        Enforcement.openExposures(session, context.getRealm(), context.getUser()));
        context.getEvent().detail("breach_step_up", factor.key);
        if (DIRECT_GRANT_PATH.equals(context.getFlowPath())) {
            // no pages in a direct grant: required actions there would refuse the token ("not fully set up")
            return null;
        }
        IncidentNote.remember(authSession, d);
        if (passwordOutstanding) {
            authSession.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD.name());
            authSession.addRequiredAction(BreachVerifyActionFactory.ID);
        }
        List<Incident> incidents = d.incidents();
        boolean told = noticeTold(context);
        authSession.removeAuthNote(NOTE_TOLD);
        if (told || (incidents.isEmpty() && !d.failedClosed()) || !enabled(context.getRealm(), BreachNoticeActionFactory.ID)) {
            // told already on the factor's page, nothing to tell, or the realm switched the notice off (its required action disabled)
            return null;
        }
        // shown in this response: no redirect to a required action and no second request to render it
        authSession.setAuthNote(NOTE_NOTICE, context.getUser().getId() + "\n" + context.getExecution().getId() + "\n"
                + (credentialType == null ? "" : credentialType));
        return notice(context, incidents, passwordOutstanding);
    }

    /** Keycloak's direct-grant OTP check: its reference category ("otp") is the one failures count under. */
    static final String DIRECT_GRANT_OTP = ValidateOTP.PROVIDER_ID;

    /**
     * Direct grant: the {@code otp} form parameter, checked against the user's OTP credentials. A locked-out user
     * is refused first, even with the right code (event {@code Errors.USER_TEMPORARILY_DISABLED} /
     * {@code USER_DISABLED}, "Invalid user credentials", as Keycloak's {@code ValidateUsername}); a wrong or missing
     * code of a user who has OTP counts one failure, as Keycloak's {@code ValidateOTP} does. Each refusal is
     * answered with {@code forceChallenge}, so the flow does not count it a second time.
     */
    private void directGrant(AuthenticationFlowContext context, Decision d) {
        UserModel user = context.getUser();
        String lock = BruteForce.lockError(context, user);
        if (lock != null) {
            context.getEvent().user(user).error(lock);
            context.forceChallenge(oauthError("Invalid user credentials"));
            return;
        }
        String otp = context.getHttpRequest().getDecodedFormParameters().getFirst("otp");
        boolean otpAllowed = d.factors().contains(Factor.OTP.key) && user.credentialManager().isConfiguredFor(Factor.OTP.credentialType);
        if (!d.requireMfa() || !otpAllowed || otp == null || otp.isBlank()) {
            if (d.requireMfa() && otpAllowed) {
                BruteForce.failed(context, DIRECT_GRANT_OTP);
            }
            context.getEvent().user(user).error("breach_step_up_required");
            LoginMetrics.decision(context.getAuthenticationSession(), BreachMetrics.Decision.DENIED);
            context.forceChallenge(oauthError(
                    "This account was exposed in a security incident and must verify a second factor. "
                            + (otpAllowed && d.requireMfa() ? "Send the current one-time code in the 'otp' parameter, or sign in through the browser."
                            : "Sign in through the browser to complete the verification.")));
            return;
        }
        boolean valid = user.credentialManager().getStoredCredentialsByTypeStream(Factor.OTP.credentialType)
                .anyMatch(c -> user.credentialManager().isValid(new UserCredentialModel(c.getId(), Factor.OTP.credentialType, otp)));
        if (!valid) {
            BruteForce.failed(context, DIRECT_GRANT_OTP);
            context.getEvent().user(user).error(Errors.INVALID_USER_CREDENTIALS);
            context.forceChallenge(oauthError("Invalid user credentials"));
            return;
        }
        if (d.requirePasswordChange()) {
            refusePasswordChange(context);
            return;
        }
        if (!d.failedClosed()) {
            Remediation.steppedUp(context.getSession(), context.getRealm(), user, Factor.OTP, false);
        }
        context.getEvent().detail("breach_step_up", Factor.OTP.key);
        EnforcementBackstop.markChecked(context.getAuthenticationSession(), user);
        LoginMetrics.decision(context.getAuthenticationSession(), BreachMetrics.Decision.STEPPED_UP);
        context.success(Factor.OTP.credentialType);
    }

    private static void refusePasswordChange(AuthenticationFlowContext context) {
        context.getEvent().user(context.getUser()).error("breach_password_change_required");
        LoginMetrics.decision(context.getAuthenticationSession(), BreachMetrics.Decision.DENIED);
        context.failure(AuthenticationFlowError.ACCESS_DENIED, oauthError(
                "This account was exposed in a security incident and its password must be changed. Sign in through the browser."));
    }

    private static Response oauthError(String description) {
        return Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_GRANT, description))
                .build();
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        Decision d = Enforcement.decide(session, realm, user);
        if (!d.enforced() || isDirectGrant(session)) {
            return true;
        }
        return d.requireMfa() && !Factor.configured(user, d.factors()).isEmpty();
    }

    @Override
    public boolean areRequiredActionsEnabled(KeycloakSession session, RealmModel realm) {
        Factor enrol = Factor.byKey(Enforcement.settings(session, realm).enrolmentFactor()).orElse(Factor.OTP);
        return enabled(realm, BreachNoticeActionFactory.ID) && enabled(realm, BreachVerifyActionFactory.ID)
                && enabled(realm, BreachMailboxActionFactory.ID) && enabled(realm, enrol.enrolAction);
    }

    /** A required action registered in the realm and enabled there. */
    static boolean enabled(RealmModel realm, String alias) {
        var model = realm.getRequiredActionProviderByAlias(alias);
        return model != null && model.isEnabled();
    }

    /**
     * The user has no allowed factor. Queue on the authentication session (never on the user): the notice,
     * then either the mailbox proof (password exposed and the mailbox not yet proven by an emailed link) or
     * the password change and the enrolment (the factor choice page when {@link FactorChoice} offers several
     * factors, else the one enrolment action), then the verification that records the outcome.
     */
    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession == null) {
            throw new IllegalStateException("no authentication session to queue the breach enrolment on");
        }
        EnforcementBackstop.markChecked(authSession, user);
        Decision d = Enforcement.decide(session, realm, user);
        if (d.failedClosed()) {
            // the flags cannot be read, so whether the password leaked is unknown: never enrol on the password alone;
            // the verification refuses without an allowed factor (the user signs in again once the store answers)
            authSession.addRequiredAction(BreachVerifyActionFactory.ID);
            return;
        }
        IncidentNote.remember(authSession, d);
        authSession.addRequiredAction(BreachNoticeActionFactory.ID);
        boolean mailboxProven = user.getId().equals(authSession.getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID));
        if (d.requirePasswordChange() && !mailboxProven) {
            authSession.addRequiredAction(BreachMailboxActionFactory.ID);
            return;
        }
        if (d.requirePasswordChange()) {
            authSession.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD.name());
        }
        if (d.requireMfa() && FactorChoice.choosing(session, realm, d)) {
            // several enrollable factors: the user picks one; the note names the preselected one until then
            authSession.addRequiredAction(BreachChooseFactorActionFactory.ID);
            authSession.setAuthNote(NOTE_ENROLLING,
                    FactorChoice.preselected(session, realm, FactorChoice.offered(session, realm, d)).key);
        } else if (d.requireMfa()) {
            Factor enrol = enrolmentFactor(session, realm, d);
            authSession.addRequiredAction(enrol.enrolAction);
            authSession.setAuthNote(NOTE_ENROLLING, enrol.key);
        }
        authSession.addRequiredAction(BreachVerifyActionFactory.ID);
    }

    /** The realm's enrolment factor when the open policies allow it, else the first enrollable allowed one. */
    static Factor enrolmentFactor(KeycloakSession session, RealmModel realm, Decision d) {
        String preferred = Enforcement.settings(session, realm).enrolmentFactor();
        if (d.factors().contains(preferred)) {
            return Factor.byKey(preferred).orElse(Factor.OTP);
        }
        return d.factors().stream()
                .filter(Factor.PRIMARY_KEYS::contains)
                .findFirst().flatMap(Factor::byKey).orElse(Factor.OTP);
    }

    /** This request is the token endpoint: a direct grant (password grant) login. */
    static boolean isDirectGrant(KeycloakSession session) {
        var uri = session.getContext().getUri();
        return uri != null && uri.getPath().endsWith("/protocol/openid-connect/token");
    }

    @Override
    public void close() {
        // nothing held
    }
}
