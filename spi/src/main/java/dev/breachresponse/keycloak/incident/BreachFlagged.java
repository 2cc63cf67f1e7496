package dev.breachresponse.keycloak.incident;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Published on the session factory when a user gets a new or re-opened flag ({@link Flagging}), in the flagging
 * transaction: Keycloak's Workflows (26.7+, {@code workflow-event-listener}) turn it into the {@code breach-flagged}
 * workflow event, whose workflows run after the transaction commits. Only published in realms that have workflows.
 */
public final class BreachFlagged implements ProviderEvent {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final String userId;
    private final IncidentKey incident;

    public BreachFlagged(KeycloakSession session, RealmModel realm, String userId, IncidentKey incident) {
        this.session = session;
        this.realm = realm;
        this.userId = userId;
        this.incident = incident;
    }

    @Override
    public KeycloakSession getKeycloakSession() {
        return session;
    }

    public RealmModel realm() {
        return realm;
    }

    public String userId() {
        return userId;
    }

    public IncidentKey incident() {
        return incident;
    }
}
