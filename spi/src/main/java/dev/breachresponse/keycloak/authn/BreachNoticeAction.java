package dev.breachresponse.keycloak.authn;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.core.MultivaluedMap;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore.Exposure;
import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * The breach notice page: what was exposed, what the user must do, how to recognise phishing. Queued on the
 * authentication session for a user who enrols a factor ({@link BreachStepUpAuthenticator#setRequiredActions});
 * offers "remind me later" only while an enrolment grace period is open. A user who steps up with a factor they
 * have sees the same page in the step-up's own response ({@link #page}), without a redirect to a required action.
 */
final class BreachNoticeAction extends BreachRequiredAction {

    static final String TEMPLATE = "breach-notice.ftl";

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        List<Incident> incidents = IncidentNote.incidents(context.getSession(), context.getRealm(), context.getAuthenticationSession());
        if (incidents.isEmpty() && !Enforcement.decide(context.getSession(), context.getRealm(), context.getUser()).failedClosed()) {
            context.success();
            return;
        }
        context.challenge(page(context, incidents).createForm(TEMPLATE));
    }

    private LoginFormsProvider page(RequiredActionContext context, List<Incident> incidents) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        Decision d = Enforcement.decide(context.getSession(), context.getRealm(), context.getUser());
        String enrolling = authSession.getAuthNote(BreachStepUpAuthenticator.NOTE_ENROLLING);
        boolean mailbox = authSession.getRequiredActions().contains(BreachMailboxActionFactory.ID);
        return page(context.form(), context.getSession(), context.getRealm(), context.getUser(), incidents,
                enrolling != null, mailbox, d.requirePasswordChange(), enrolling != null && d.graceOpen());
    }

    /**
     * The notice's form with its attributes, for this required action (a user who enrols) and for the step-up,
     * which shows it in its own response once the factor passed ({@link BreachStepUpAuthenticator}).
     *
     * @param enrolling the user is about to enrol a factor
     * @param mailbox the mailbox proof comes next
     * @param passwordChange a password change is still asked for
     * @param canPostpone "remind me later" is offered (enrolling within an open grace period)
     */
    static LoginFormsProvider page(LoginFormsProvider form, KeycloakSession session, RealmModel realm, UserModel user, List<Incident> incidents,
                                   boolean enrolling, boolean mailbox, boolean passwordChange, boolean canPostpone) {
        Locale locale = session.getContext().resolveLocale(user);
        String extra = Enforcement.settings(session, realm).noticeTextFor(locale);
        return form
                .setAttribute("breachIncidents", incidents.stream().map(BreachNoticeAction::noticeIncident).toList())
                .setAttribute("breachEnrolling", enrolling)
                .setAttribute("breachMailbox", mailbox)
                .setAttribute("breachPasswordChange", passwordChange)
                .setAttribute("breachCanPostpone", canPostpone)
                .setAttribute("breachNoticeText", extra == null ? "" : extra);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String enrolling = authSession.getAuthNote(BreachStepUpAuthenticator.NOTE_ENROLLING);
        if (form.containsKey("postpone") && enrolling != null) {
            Decision d = Enforcement.decide(context.getSession(), context.getRealm(), context.getUser());
            if (!d.graceOpen()) {
                // the grace period ran out between page and click: show the page again, without the choice
                context.challenge(page(context, IncidentNote.incidents(context.getSession(), context.getRealm(), authSession))
                        .createForm(TEMPLATE));
                return;
            }
            postpone(context, d, enrolling);
        }
        context.success();
    }

    private static void postpone(RequiredActionContext context, Decision d, String enrolling) {
        IncidentStore store = context.getSession().getProvider(IncidentStore.class);
        UserModel user = context.getUser();
        for (Exposure e : d.exposures()) {
            if (e.flag().state() == FlagState.FLAGGED) {
                store.recordGraceSkip(context.getRealm(), e.flag().id(), Actor.user(user.getId()));
            }
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        Factor.byKey(enrolling).ifPresent(f -> authSession.removeRequiredAction(f.enrolAction));
        authSession.removeRequiredAction(BreachChooseFactorActionFactory.ID);
        authSession.removeRequiredAction(BreachVerifyActionFactory.ID);
        authSession.removeAuthNote(BreachStepUpAuthenticator.NOTE_ENROLLING);
        context.getEvent().clone().event(EventType.CUSTOM_REQUIRED_ACTION)
                .detail(Details.CUSTOM_REQUIRED_ACTION, BreachNoticeActionFactory.ID)
                .detail("breach_grace_skip", String.valueOf(Time.currentTime()))
                .user(user).success();
        Enforcement.forget(context.getSession(), context.getRealm(), user);
    }

    /** What the notice and email templates show of an incident (a map: FreeMarker reads its keys). */
    static Map<String, Object> noticeIncident(Incident i) {
        return Map.of("id", i.key().value(), "title", i.title(), "exposedData", i.exposedData());
    }
}
