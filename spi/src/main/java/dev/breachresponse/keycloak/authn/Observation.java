package dev.breachresponse.keycloak.authn;

import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.metrics.BreachMetrics;

/**
 * Report-only incidents and break-glass members: login lets the user through, and records once per login what it
 * would have asked ({@link Decision#ask}) on the user's flags (counted in {@code GET /incidents/{id}/stats}) and as
 * details of the login's own user event: {@code breach_report_only} or {@code breach_break_glass} = the ask,
 * {@code breach_incidents} = the incident ids.
 */
final class Observation {

    static final String NOTE = "breach-response.observed";

    private static final Logger LOG = Logger.getLogger(Observation.class);

    private Observation() {
    }

    static void record(AuthenticationFlowContext context, Enforcement.Outcome o) {
        record(context.getSession(), context.getRealm(), context.getUser(), context.getAuthenticationSession(), context.getEvent(), o);
    }

    /** The same from the backstop, on a path without the breach condition (the login's event gets the details). */
    static void record(KeycloakSession session, RealmModel realm, UserModel user, AuthenticationSessionModel authSession,
                       EventBuilder event, Enforcement.Outcome o) {
        if (o.reason() == null || !o.observed().enforced() || user == null) {
            return;
        }
        if (authSession == null || authSession.getAuthNote(NOTE) != null) {
            return;
        }
        authSession.setAuthNote(NOTE, o.reason());
        BreachMetrics.decision(BreachMetrics.Decision.OBSERVED);
        String ask = o.observed().ask(!Factor.configured(user, o.observed().factors()).isEmpty());
        boolean breakGlass = Enforcement.BREAK_GLASS.equals(o.reason());
        event.detail(breakGlass ? "breach_break_glass" : "breach_report_only", ask)
                .detail("breach_incidents", String.join(",", o.observed().incidentIds()));
        List<String> flagIds = o.observed().exposures().stream().map(e -> e.flag().id()).toList();
        try {
            session.getProvider(IncidentStore.class).recordObserved(realm, flagIds, o.reason(), ask);
        } catch (RuntimeException e) {
            // counting must not fail a login the admin chose to let through; the event detail above still says it
            LOG.warnf("breach-response: could not count a %s login in realm %s: %s", o.reason(), realm.getName(), e.toString());
        }
        if (breakGlass) {
            // the exception must stay visible: an emergency account is signing in without what enforcement would ask
            LOG.infof("breach-response: a flagged break-glass user signs in to realm %s without the %s enforcement would ask",
                    realm.getName(), ask);
        }
    }
}
