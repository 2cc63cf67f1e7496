package dev.breachresponse.keycloak.incident;

import java.util.List;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Published on the session factory once per call of {@link Flagging#flag} or {@link Flagging#flagAll} that wrote
 * flags (new or re-opened), in the flagging transaction: the users, the incident, who flagged them, and whether the
 * incident's policy revoked their sessions. The Shared Signals transmitter bridge (docs/ssf.md, "Downstream") turns it
 * into RISC and CAEP events for relying parties; listeners must not fail the transaction.
 */
public final class FlagsAdded implements ProviderEvent {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Incident incident;
    private final List<String> userIds;
    private final Actor actor;
    private final boolean sessionsRevoked;

    public FlagsAdded(KeycloakSession session, RealmModel realm, Incident incident, List<String> userIds, Actor actor, boolean sessionsRevoked) {
        this.session = session;
        this.realm = realm;
        this.incident = incident;
        this.userIds = List.copyOf(userIds);
        this.actor = actor;
        this.sessionsRevoked = sessionsRevoked;
    }

    @Override
    public KeycloakSession getKeycloakSession() {
        return session;
    }

    public RealmModel realm() {
        return realm;
    }

    public Incident incident() {
        return incident;
    }

    /** The users flagged (new or re-opened) by this call, in order. */
    public List<String> userIds() {
        return userIds;
    }

    public Actor actor() {
        return actor;
    }

    /** Whether their sessions were revoked because the incident's policy says {@code revokeSessions}. */
    public boolean sessionsRevoked() {
        return sessionsRevoked;
    }
}
