package dev.breachresponse.keycloak.authn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionToken;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.sessions.AuthenticationSessionModel;
import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Enforcement;

/**
 * Mailbox proof before enrolment when the incident exposed the password: the password alone (which the
 * attacker may hold) must not be enough to add a new factor. Sends Keycloak's execute-actions link (change
 * the password, enrol a factor, record it) to the user's address and stops this login; the page offers no
 * way forward. The link proves control of the mailbox, exactly like the reset-credentials link.
 */
final class BreachMailboxAction extends BreachRequiredAction {

    private static final Logger LOG = Logger.getLogger(BreachMailboxAction.class);

    static final String TEMPLATE = "breach-mailbox.ftl";
    static final String NOTE_SENT = "breach-response.mailbox-link-sent";
    static final String MAIL_TEMPLATE = "breach-mailbox-proof.ftl";

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String outcome = authSession.getAuthNote(NOTE_SENT);
        if (outcome == null) {
            outcome = send(context) ? "sent" : "failed";
            authSession.setAuthNote(NOTE_SENT, outcome);
        }
        context.challenge(context.form()
                .setAttribute("breachMailboxSent", "sent".equals(outcome))
                .createForm(TEMPLATE));
    }

    private static boolean send(RequiredActionContext context) {
        UserModel user = context.getUser();
        RealmModel realm = context.getRealm();
        if (user.getEmail() == null || user.getEmail().isBlank()) {
            LOG.warnf("breach-response: a flagged user of realm %s has no email address; the mailbox proof cannot be sent", realm.getName());
            return false;
        }
        Decision d = Enforcement.decide(context.getSession(), realm, user);
        List<String> actions = d.requireMfa()
                ? List.of(UserModel.RequiredAction.UPDATE_PASSWORD.name(),
                        FactorChoice.enrolmentAction(context.getSession(), realm, d),
                        BreachVerifyActionFactory.ID)
                : List.of(UserModel.RequiredAction.UPDATE_PASSWORD.name(), BreachVerifyActionFactory.ID);
        int lifespan = realm.getActionTokenGeneratedByUserLifespan();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        ExecuteActionsActionToken token = new ExecuteActionsActionToken(user.getId(), user.getEmail(),
                Time.currentTime() + lifespan, actions, authSession.getRedirectUri(), authSession.getClient().getClientId());
        var uri = context.getSession().getContext().getUri();
        String link = LoginActionsService.actionTokenProcessor(uri)
                .queryParam("key", token.serialize(context.getSession(), realm, uri))
                .build(realm.getName()).toString();
        try {
            // our own wording (why the link, what to do if it was not you), Keycloak's execute-actions token
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("link", link);
            attributes.put("linkExpirationMinutes", TimeUnit.SECONDS.toMinutes(lifespan));
            context.getSession().getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send("breachMailboxSubject", MAIL_TEMPLATE, attributes);
            context.getEvent().clone().event(EventType.EXECUTE_ACTIONS).user(user).success();
            return true;
        } catch (EmailException e) {
            LOG.warnf("breach-response: could not send the mailbox-proof link in realm %s: %s", realm.getName(), e.getMessage());
            context.getEvent().clone().event(EventType.EXECUTE_ACTIONS_ERROR).user(user).error(Errors.EMAIL_SEND_FAILED);
            return false;
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        // there is no way forward from this page but the emailed link
        requiredActionChallenge(context);
    }
}
