package dev.breachresponse.keycloak.reminder;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.BreachResourceType;

/**
 * Admin events of the scheduler (there is no admin request to build them from): resource types
 * {@code BREACH_REMINDER} (one per realm and run, with counts), {@code BREACH_ESCALATION} (one per flag) and
 * {@code BREACH_HYGIENE} (one per realm and walk slice, and per realm and send run, with counts).
 * Stored when the realm saves admin events, and handed to the realm's event listeners, so admins can chain
 * their own automation (a Workflow, a SIEM forwarder) on them.
 */
final class Audit {

    private static final Logger LOG = Logger.getLogger(Audit.class);

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
        AdminEvent ev = new AdminEvent();
        ev.setId(KeycloakModelUtils.generateId());
        ev.setTime(Time.currentTimeMillis());
        ev.setRealmId(realm.getId());
        ev.setOperationType(OperationType.ACTION);
        ev.setResourceTypeAsString(resourceType.name());
        ev.setResourcePath(path);
        AuthDetails auth = new AuthDetails();
        auth.setRealmId(realm.getId());
        auth.setClientId("breach-response-scheduler");
        ev.setAuthDetails(auth);
        try {
            ev.setRepresentation(JsonSerialization.writeValueAsString(representation));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (realm.isAdminEventsEnabled()) {
            session.getProvider(EventStoreProvider.class).onEvent(ev, realm.isAdminEventsDetailsEnabled());
        }
        realm.getEventsListenersStream().forEach(id -> {
            EventListenerProvider l = session.getProvider(EventListenerProvider.class, id);
            if (l == null) {
                return;
            }
            try {
                l.onEvent(ev, realm.isAdminEventsDetailsEnabled());
            } catch (RuntimeException e) {
                LOG.warnf("breach-response: event listener %s failed on %s: %s", id, resourceType, e.getMessage());
            }
        });
        session.getKeycloakSessionFactory().getProviderFactoriesStream(EventListenerProvider.class)
                .filter(f -> ((EventListenerProviderFactory) f).isGlobal())
                .filter(f -> realm.getEventsListenersStream().noneMatch(f.getId()::equals))
                .forEach(f -> {
                    try {
                        session.getProvider(EventListenerProvider.class, f.getId()).onEvent(ev, realm.isAdminEventsDetailsEnabled());
                    } catch (RuntimeException e) {
                        LOG.warnf("breach-response: global event listener %s failed on %s: %s", f.getId(), resourceType, e.getMessage());
                    }
                });
    }
}
