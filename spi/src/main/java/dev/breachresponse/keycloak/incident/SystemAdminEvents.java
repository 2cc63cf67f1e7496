package dev.breachresponse.keycloak.incident;

import java.io.IOException;
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

/**
 * Admin events of actions no admin request made (the scheduler, a user's report): built by hand, since Keycloak's
 * {@code AdminEventBuilder} needs an admin's authentication. Stored when the realm saves admin events and handed to
 * the realm's and the global event listeners, like Keycloak's own, so admins can chain their automation on them.
 */
public final class SystemAdminEvents {

    private static final Logger LOG = Logger.getLogger(SystemAdminEvents.class);

    private SystemAdminEvents() {
    }

    /**
     * @param path           the realm-relative resource path, e.g. {@code breach-response/incidents/{id}/flags/{userId}}
     * @param representation the event's JSON representation (kept when the realm keeps admin-event details)
     * @param clientId       who acted, as the event's auth client ({@code breach-response-scheduler}, …)
     */
    public static void emit(KeycloakSession session, RealmModel realm, BreachResourceType resourceType, String path,
                            Map<String, Object> representation, String clientId) {
        AdminEvent ev = new AdminEvent();
        ev.setId(KeycloakModelUtils.generateId());
        ev.setTime(Time.currentTimeMillis());
        ev.setRealmId(realm.getId());
        ev.setOperationType(OperationType.ACTION);
        ev.setResourceTypeAsString(resourceType.name());
        ev.setResourcePath(path);
        AuthDetails auth = new AuthDetails();
        auth.setRealmId(realm.getId());
        auth.setClientId(clientId);
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
