package dev.breachresponse.keycloak.reminder;

import java.util.List;
import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.SystemAdminEvents;

/**
 * Admin events of the scheduler (there is no admin request to build them from): resource types
 * {@code BREACH_REMINDER} (one per realm and run, with counts), {@code BREACH_ESCALATION} (one per flag) and
 * {@code BREACH_HYGIENE} (one per realm and walk slice, and per realm and send run, with counts).
 * Stored when the realm saves admin events, and handed to the realm's event listeners, so admins can chain
 * their own automation (a Workflow, a SIEM forwarder) on them.
 */
final class Audit {

    private final KeycloakSession session;

    Audit(KeycloakSession session) {
        this.session = session;
    }

    void escalated(RealmModel realm, IncidentKey incident, String userId, List<String> actions) {
        emit(realm, BreachResourceType.BREACH_ESCALATION, "breach-response/incidents/" + incident.value() + "/flags/" + userId,
                Map.of("incidentId", incident.value(), "userId", userId, "added", actions));
    }

    void sent(RealmModel realm, int sent, int failed) {
        emit(realm, BreachResourceType.BREACH_REMINDER, "breach-response/reminders", Map.of("sent", sent, "failed", failed));
    }

    void hygiene(RealmModel realm, int pass, int walked, int queued, boolean passFinished) {
        emit(realm, BreachResourceType.BREACH_HYGIENE, "breach-response/hygiene",
                Map.of("pass", pass, "walked", walked, "queued", queued, "passFinished", passFinished));
    }

    void hygieneSent(RealmModel realm, int sent, int failed) {
        emit(realm, BreachResourceType.BREACH_HYGIENE, "breach-response/hygiene/emails", Map.of("sent", sent, "failed", failed));
    }

    private void emit(RealmModel realm, BreachResourceType resourceType, String path, Map<String, Object> representation) {
        SystemAdminEvents.emit(session, realm, resourceType, path, representation, "breach-response-scheduler");
    }
}
