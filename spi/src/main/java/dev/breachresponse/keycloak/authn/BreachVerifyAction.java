package dev.breachresponse.keycloak.authn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.UserModel;

import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.Remediation;

/**
 * Runs after the enrolment and password-change actions the step-up queued: records the enrolled factor
 * (FLAGGED → STEPPED_UP) and remediation, and tells the user by email that a factor was added. Fails closed:
 * if the user still has no allowed factor, or the password change is still outstanding, no token is issued.
 */
final class BreachVerifyAction extends BreachRequiredAction {

    private static final Logger LOG = Logger.getLogger(BreachVerifyAction.class);

    static final String FACTOR_ADDED_TEMPLATE = "breach-factor-added.ftl";

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        UserModel user = context.getUser();
        Decision d = Enforcement.decide(context.getSession(), context.getRealm(), user);
        if (!d.enforced()) {
            context.success();
            return;
        }
        Factor enrolled = null;
        boolean passwordOutstanding;
        if (d.requireMfa()) {
            List<Factor> have = Factor.configured(user, d.factors());
            if (have.isEmpty()) {
                refuse(context, "breachEnrolmentMissing");
                return;
            }
            String key = context.getAuthenticationSession().getAuthNote(BreachStepUpAuthenticator.NOTE_ENROLLING);
            enrolled = key == null ? have.get(0) : Factor.byKey(key).filter(have::contains).orElse(have.get(0));
            // stepping up settles too (records a password change, remediates): no second settle below
            passwordOutstanding = !d.failedClosed() && Remediation.steppedUp(context.getSession(), context.getRealm(), user, enrolled, true);
        } else {
            passwordOutstanding = !d.failedClosed() && Remediation.settle(context.getSession(), context.getRealm(), user);
        }
        if (passwordOutstanding) {
            refuse(context, "breachPasswordChangeMissing");
            return;
        }
        if (enrolled != null) {
            notifyFactorAdded(context, enrolled);
        }
        context.getAuthenticationSession().removeAuthNote(BreachStepUpAuthenticator.NOTE_ENROLLING);
        context.success();
    }

    private static void refuse(RequiredActionContext context, String messageKey) {
        context.getEvent().clone().user(context.getUser()).error("breach_enforcement_incomplete");
        Response page = context.form().setError(messageKey).createErrorPage(Response.Status.FORBIDDEN);
        context.challenge(page);
    }

    /** "A new sign-in factor was added to your account": the real owner learns if it was not them. */
    private static void notifyFactorAdded(RequiredActionContext context, Factor factor) {
        UserModel user = context.getUser();
        if (user.getEmail() == null || user.getEmail().isBlank()
                || Enforcement.settings(context.getSession(), context.getRealm()).userReports().securityEmails()) {
            return; // with security emails on, the realm's security email (with its report link) tells of the factor
        }
        List<Incident> incidents = IncidentNote.incidents(context.getSession(), context.getRealm(), context.getAuthenticationSession());
        try {
            context.getSession().getProvider(EmailTemplateProvider.class)
                    .setRealm(context.getRealm())
                    .setUser(user)
                    // a mutable map: Keycloak adds its own attributes (locale, msg, user) to it
                    .send("breachFactorAddedSubject", FACTOR_ADDED_TEMPLATE, new HashMap<>(Map.of(
                            "factor", factor.key,
                            "incidents", incidents.stream().map(BreachNoticeAction::noticeIncident).toList())));
        } catch (EmailException | RuntimeException e) {
            // the factor is enrolled and recorded; a lost notification must not lock the user out
            LOG.warnf(e, "breach-response: could not send the factor-added email in realm %s", context.getRealm().getName());
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        requiredActionChallenge(context);
    }
}
