package dev.breachresponse.keycloak.authn;

import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AuthenticationManager;

import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.StandingIncidents;
import dev.breachresponse.keycloak.incident.WebhookEvent;
import dev.breachresponse.keycloak.metrics.BreachMetrics;
import dev.breachresponse.keycloak.password.BreachedPasswords;
import dev.breachresponse.keycloak.revocation.SessionRevoker;

/**
 * Checks the password a user has just typed, in the request where Keycloak verified it (setup places this right after
 * each password form and direct grant's password check): with the realm's {@code breachedPasswords.checkAtLogin}, a
 * password in the breach sources flags the user in the standing incident {@value StandingIncidents#BREACHED_PASSWORDS}
 * (actor {@code system:breached-password}, the count's band in the cause), so the step-up later in the same flow asks
 * for the mailbox proof and a new password before anything else. Never challenges; when no source can answer and the
 * realm fails closed, the login is refused (page or {@code temporarily_unavailable}). Neither the password nor its
 * hash is kept.
 */
final class BreachPasswordCheck implements Authenticator {

    static final BreachPasswordCheck INSTANCE = new BreachPasswordCheck();

    static final String ERROR_UNAVAILABLE = "breach_password_check_unavailable";

    /** User event detail set on a login whose password was found ({@code source}: custom, offline, range). */
    static final String DETAIL = "breached_password";

    private static final Logger LOG = Logger.getLogger(BreachPasswordCheck.class);

    private BreachPasswordCheck() {
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        String password = context.getHttpRequest().getDecodedFormParameters().getFirst(CredentialRepresentation.PASSWORD);
        // only a password Keycloak verified in this login, present in this very request
        if (user == null || password == null || password.isEmpty()
                || !"true".equals(context.getAuthenticationSession().getAuthNote(AuthenticationManager.PASSWORD_VALIDATED))) {
            context.success();
            return;
        }
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        RealmSettings.BreachedPasswords settings = Enforcement.settings(session, realm).breachedPasswords();
        if (!settings.checkAtLogin()) {
            succeed(context);
            return;
        }
        BreachedPasswords.Verdict v = BreachedPasswords.of(session).check(realm, settings, password, settings.minCount());
        BreachMetrics.passwordCheck(BreachMetrics.PasswordCheckAt.LOGIN, BreachMetrics.PasswordCheck.valueOf(v.result().name()));
        switch (v.result()) {
            case BREACHED -> {
                // the typed password is the user's own (a hash costs only on a hit): nobody flags a user with a guess
                if (user.credentialManager().isValid(UserCredentialModel.password(password))) {
                    flag(context, user, v);
                }
                succeed(context);
            }
            case UNAVAILABLE -> {
                if (settings.failClosed()) {
                    refuse(context, user);
                } else {
                    succeed(context);
                }
            }
            case CLEAN -> succeed(context);
        }
    }

    /**
     * The password passed: with the realm's {@code stepUpNotice} "message", a flagged user whom the step-up will ask
     * for a factor they have gets the breach notice on the next form, which is the realm's own OTP form where its flow
     * asks for the code before the step-up ({@link BreachStepUpAuthenticator#forwardNoticeMessage}). The flags are read
     * once per request either way: the step-up's condition later in this request reads the same cached outcome.
     */
    private static void succeed(AuthenticationFlowContext context) {
        if (Enforcement.settings(context.getSession(), context.getRealm()).stepUpNotice() == RealmSettings.StepUpNotice.MESSAGE) {
            BreachStepUpAuthenticator.forwardNoticeMessage(context, Enforcement.decide(context.getSession(), context.getRealm(), context.getUser()));
        }
        context.success();
    }

    private static void flag(AuthenticationFlowContext context, UserModel user, BreachedPasswords.Verdict v) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        Incident incident = StandingIncidents.breachedPasswords(session, realm, StandingIncidents.BREACHED_PASSWORD_ACTOR).orElse(null);
        context.getEvent().detail(DETAIL, v.source());
        if (incident == null) {
            LOG.debugf("breach-response: a breached password was used in realm %s; its standing incident is closed, so nobody is flagged",
                    realm.getName());
            return;
        }
        Flagging.Flagged f = new Flagging(session, realm, SessionRevoker.byId(session, realm))
                .flag(incident, user.getId(), StandingIncidents.BREACHED_PASSWORD_ACTOR, "breached password (seen " + v.band() + ")");
        Enforcement.forget(session, realm, user);
        if (f.result().outcome() != IncidentStore.FlagOutcome.ALREADY_FLAGGED) {
            // once per flag (new or re-opened), not at every login of an already flagged user: whoever holds the password
            // cannot make the extension queue deliveries at will
            session.getProvider(IncidentStore.class).webhooks().signal(realm, WebhookEvent.PASSWORD_BREACHED, user.getId(), Map.of(
                    "userId", user.getId(), "source", v.source(), "seen", v.band(), "incidentId", StandingIncidents.BREACHED_PASSWORDS));
        }
    }

    private static void refuse(AuthenticationFlowContext context, UserModel user) {
        context.getEvent().user(user).error(ERROR_UNAVAILABLE);
        LoginMetrics.decision(context.getAuthenticationSession(), BreachMetrics.Decision.DENIED);
        Response response = BreachStepUpAuthenticator.isDirectGrant(context.getSession())
                ? Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(new OAuth2ErrorRepresentation(OAuthErrorException.TEMPORARILY_UNAVAILABLE,
                                "The password could not be checked against breached passwords. Try again later."))
                        .build()
                : context.form().setError("breachedPasswordCheckUnavailable").createErrorPage(Response.Status.SERVICE_UNAVAILABLE);
        context.failure(AuthenticationFlowError.ACCESS_DENIED, response);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        // renders no form
        context.success();
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        // asks nothing of the user
    }

    @Override
    public void close() {
        // stateless singleton
    }
}
