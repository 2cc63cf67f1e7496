package dev.breachresponse.keycloak.authn;

import java.util.List;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.sessions.AuthenticationSessionModel;
import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.metrics.BreachMetrics;

/**
 * The factor choice page: a flagged user without a factor picks which allowed factor to enrol (passkey first,
 * recommended when the browser has WebAuthn; authenticator app otherwise), and optionally recovery codes.
 * Queued by the step-up (or the mailbox link) instead of a fixed enrolment when {@link FactorChoice} offers more
 * than one factor. Submitting queues the chosen Keycloak enrolment action on the authentication session and
 * names the factor in {@link BreachStepUpAuthenticator#NOTE_ENROLLING}; a factor that was not offered is
 * refused with HTTP 400 and the page again. {@link BreachVerifyAction}, queued after, still refuses without an
 * allowed factor.
 */
final class BreachChooseFactorAction extends BreachRequiredAction {

    static final String TEMPLATE = "breach-choose-factor.ftl";
    /** Form fields: the chosen factor key ({@link Factor#key}); "on" to also create recovery codes. */
    static final String FIELD_FACTOR = "factor";
    static final String FIELD_RECOVERY = "recoveryCodes";

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        Decision d = Enforcement.decide(context.getSession(), context.getRealm(), context.getUser());
        List<Factor> offered = FactorChoice.offered(context.getSession(), context.getRealm(), d);
        if (!d.enforced() || !d.requireMfa() || offered.isEmpty()
                || !Factor.configured(context.getUser(), d.factors()).isEmpty()) {
            // nothing to choose (no longer flagged, already enrolled, or nothing enrollable): verify decides
            context.success();
            return;
        }
        if (offered.size() == 1) {
            choose(context, offered.get(0), false);
            return;
        }
        context.challenge(page(context, d, offered).createForm(TEMPLATE));
    }

    private static LoginFormsProvider page(RequiredActionContext context, Decision d, List<Factor> offered) {
        return context.form()
                .setAttribute("breachFactors", offered.stream().map(f -> f.key).toList())
                .setAttribute("breachPreselected", FactorChoice.preselected(context.getSession(), context.getRealm(), offered).key)
                .setAttribute("breachRecoveryCodes",
                        FactorChoice.recoveryCodesOffered(context.getSession(), context.getRealm(), context.getUser(), d));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        Decision d = Enforcement.decide(context.getSession(), context.getRealm(), context.getUser());
        List<Factor> offered = FactorChoice.offered(context.getSession(), context.getRealm(), d);
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String key = form.getFirst(FIELD_FACTOR);
        Factor chosen = key == null ? null : Factor.byKey(key).filter(offered::contains).orElse(null);
        if (chosen == null) {
            if (offered.isEmpty()) {
                context.success();
                return;
            }
            // not offered (forged or stale): nothing queued, the page again with an error
            context.getEvent().clone().event(EventType.CUSTOM_REQUIRED_ACTION_ERROR)
                    .detail(Details.CUSTOM_REQUIRED_ACTION, BreachChooseFactorActionFactory.ID)
                    .user(context.getUser()).error("breach_factor_not_offered");
            context.challenge(page(context, d, offered)
                    .setError("breachChoiceInvalid")
                    .setStatus(Response.Status.BAD_REQUEST)
                    .createForm(TEMPLATE));
            return;
        }
        boolean recovery = "on".equals(form.getFirst(FIELD_RECOVERY))
                && FactorChoice.recoveryCodesOffered(context.getSession(), context.getRealm(), context.getUser(), d);
        choose(context, chosen, recovery);
    }

    private static void choose(RequiredActionContext context, Factor chosen, boolean recovery) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        authSession.addRequiredAction(chosen.enrolAction);
        if (recovery) {
            authSession.addRequiredAction(Factor.RECOVERY_CODES.enrolAction);
        }
        authSession.setAuthNote(BreachStepUpAuthenticator.NOTE_ENROLLING, chosen.key);
        LoginMetrics.decision(authSession, BreachMetrics.Decision.ENROLMENT);
        context.getEvent().clone().event(EventType.CUSTOM_REQUIRED_ACTION)
                .detail(Details.CUSTOM_REQUIRED_ACTION, BreachChooseFactorActionFactory.ID)
                .detail("breach_factor_chosen", chosen.key)
                .detail("breach_recovery_codes", String.valueOf(recovery))
                .user(context.getUser()).success();
        context.success();
    }
}
