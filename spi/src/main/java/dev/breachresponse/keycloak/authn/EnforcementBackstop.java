package dev.breachresponse.keycloak.authn;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.sessions.AuthenticationSessionModel;

import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.metrics.BreachMetrics;

/**
 * The backstop of login enforcement. Keycloak evaluates the triggers of every enabled required action at the end
 * of every interactive login, whichever flow ran: browser (also an SSO cookie), identity-provider logins with or
 * without a post-broker-login flow, reset credentials, action-token links and direct grant
 * ({@code AuthenticationManager#evaluateRequiredActionTriggers}, {@code ResourceOwnerPasswordCredentialsGrantType}).
 * When the user holds an open breach flag (or the flags cannot be read) and breach enforcement reached no outcome
 * for that user in this authentication session ({@link #NOTE_CHECKED}), the flows missed the user: this action then refuses the login before any
 * code or token is issued (browser: an error page saying what to do; direct grant: Keycloak's OAuth2
 * {@code invalid_grant}), records the path for setup status ({@code GET .../breach-response/setup}), logs a
 * warning without user data and sends a {@code LOGIN_ERROR} event with error {@value #ERROR}.
 */
final class EnforcementBackstop implements RequiredActionProvider {

    static final EnforcementBackstop INSTANCE = new EnforcementBackstop();

    /**
     * Auth-session note: breach enforcement reached an outcome for this user in this login (the step-up passed or
     * queued the enrolment and verification, or the admin's condition decided the user is out of its scope). The
     * value is the user id, so a login that switches user or flow in the same authentication session is checked again.
     */
    static final String NOTE_CHECKED = "breach-response.enforcement-checked";
    /** Event error of a refused login. */
    static final String ERROR = "breach_enforcement_gap";

    private static final Logger LOG = Logger.getLogger(EnforcementBackstop.class);
    private static final int MAX_PATH = 255;
    /** At most one warning per realm and path a minute: a refused path hammered by logins must not flood the log. */
    private static final long LOG_EVERY_MILLIS = 60_000;
    private static final ConcurrentHashMap<String, Long> LOGGED = new ConcurrentHashMap<>();

    private EnforcementBackstop() {
    }

    /** Breach enforcement reached its outcome for {@code user} in this login: the backstop stays out of it. */
    static void markChecked(AuthenticationSessionModel authSession, UserModel user) {
        if (authSession != null && user != null) {
            authSession.setAuthNote(NOTE_CHECKED, user.getId());
        }
    }

    static boolean checked(AuthenticationSessionModel authSession) {
        UserModel user = authSession.getAuthenticatedUser();
        if (user == null) {
            return false;
        }
        if (user.getId().equals(authSession.getAuthNote(NOTE_CHECKED))) {
            return true;
        }
        // the mailbox-proof link (an execute-actions token for this very user) queues our own verification, which
        // refuses to finish without an allowed factor and the password change
        return user.getId().equals(authSession.getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID))
                && authSession.getRequiredActions().contains(BreachVerifyActionFactory.ID);
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = context.getUser();
        if (authSession == null || user == null || checked(authSession)
                || authSession.getRequiredActions().contains(EnforcementBackstopFactory.ID)) {
            return;
        }
        Enforcement.Outcome outcome = Enforcement.outcome(context.getSession(), context.getRealm(), user);
        // report-only and break-glass logins on a path without the condition are recorded all the same
        Observation.record(context.getSession(), context.getRealm(), user, authSession, context.getEvent(), outcome);
        if (!outcome.enforce().enforced()) {
            return;
        }
        authSession.addRequiredAction(EnforcementBackstopFactory.ID);
        // once per login: evaluateTriggers runs again before each further required action
        String path = path(context);
        recordGap(context.getSession(), context.getRealm(), path);
        String logKey = context.getRealm().getId() + " " + path;
        long now = Time.currentTimeMillis();
        Long last = LOGGED.get(logKey);
        if (last != null && now - last < LOG_EVERY_MILLIS) {
            context.getEvent().clone().event(EventType.LOGIN_ERROR).user(user).detail("breach_path", path).error(ERROR);
            return;
        }
        LOGGED.put(logKey, now);
        LOG.warnf("breach-response: refused the login of a flagged user in realm %s on '%s': no breach step-up ran on that path."
                + " Run POST .../breach-response/setup or add the breach step-up there; GET .../breach-response/setup lists the gaps.",
                context.getRealm().getName(), path);
        context.getEvent().clone().event(EventType.LOGIN_ERROR).user(user).detail("breach_path", path).error(ERROR);
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (checked(context.getAuthenticationSession())
                || !Enforcement.decide(context.getSession(), context.getRealm(), context.getUser()).enforced()) {
            // the flag was dismissed (or remediated) since: nothing to refuse any more
            context.success();
            return;
        }
        LoginMetrics.decision(context.getAuthenticationSession(), BreachMetrics.Decision.DENIED);
        Response page = context.form().setError("breachEnforcementGap").createErrorPage(Response.Status.FORBIDDEN);
        context.challenge(page);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        // no way forward from this page: the user signs in again once the admin closed the gap
        requiredActionChallenge(context);
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.NOT_SUPPORTED;
    }

    /** "{how} client={clientId}[ idp={alias}]": no user data, only realm configuration names. */
    static String path(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String how;
        if (BreachStepUpAuthenticator.isDirectGrant(context.getSession())) {
            how = "direct-grant";
        } else {
            String flowPath = authSession.getAuthNote(AuthenticationProcessor.CURRENT_FLOW_PATH);
            how = flowPath == null || flowPath.isBlank() ? "login" : flowPath;
        }
        StringBuilder sb = new StringBuilder(how).append(" client=").append(authSession.getClient().getClientId());
        String idp = authSession.getUserSessionNotes().get(Details.IDENTITY_PROVIDER);
        if (idp != null && !idp.isBlank()) {
            sb.append(" idp=").append(idp);
        }
        return sb.length() > MAX_PATH ? sb.substring(0, MAX_PATH) : sb.toString();
    }

    /** In its own transaction: a failure to record never lets the login through, and the refusal is kept. */
    private static void recordGap(KeycloakSession session, RealmModel realm, String path) {
        String realmId = realm.getId();
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                    s -> s.getProvider(IncidentStore.class).gaps().record(realmId, path, Time.currentTimeMillis()));
        } catch (RuntimeException e) {
            LOG.warnf("breach-response: could not record an enforcement gap in realm %s: %s", realm.getName(), e.toString());
        }
    }

    @Override
    public void close() {
        // stateless singleton
    }
}
