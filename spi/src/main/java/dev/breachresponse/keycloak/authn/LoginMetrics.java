package dev.breachresponse.keycloak.authn;

import org.keycloak.sessions.AuthenticationSessionModel;

import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.metrics.BreachMetrics;

/** Counts enforcement at login ({@link BreachMetrics}): every check, and each decision once per login. */
final class LoginMetrics {

    private static final String NOTE = "breach-response.counted.";

    private LoginMetrics() {
    }

    /** One evaluation of the user's flags (cheap: one counter increment; no note, as most users are not flagged). */
    static void check(Enforcement.Outcome o) {
        Decision d = o.enforce();
        BreachMetrics.check(d.failedClosed() ? BreachMetrics.Check.FAILED_CLOSED
                : d.enforced() || o.reason() != null ? BreachMetrics.Check.FLAGGED : BreachMetrics.Check.NOT_FLAGGED);
    }

    /**
     * What enforcement did in this login, counted once per authentication session (the flow may pass the same point
     * again, e.g. a challenge re-rendered after a wrong code); only flagged users reach here, so the note is rare.
     */
    static void decision(AuthenticationSessionModel authSession, BreachMetrics.Decision decision) {
        if (authSession != null) {
            String key = NOTE + decision.name();
            if (authSession.getAuthNote(key) != null) {
                return;
            }
            authSession.setAuthNote(key, "1");
        }
        BreachMetrics.decision(decision);
    }
}
