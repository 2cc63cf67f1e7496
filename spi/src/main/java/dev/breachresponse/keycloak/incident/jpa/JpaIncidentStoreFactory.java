package dev.breachresponse.keycloak.incident.jpa;

import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.UnflaggedMark;
import dev.breachresponse.keycloak.incident.WebhooksQueued;
import dev.breachresponse.keycloak.support.AfterCommit;
import dev.breachresponse.keycloak.incident.IncidentStoreProviderFactory;
import dev.breachresponse.keycloak.support.BuildInfo;

/**
 * Creates the JPA incident store per session and removes a user's flags when Keycloak removes the user
 * (local or federated: the event is published for both). Realm removal is covered by ON DELETE CASCADE.
 */
public final class JpaIncidentStoreFactory implements IncidentStoreProviderFactory, ServerInfoAwareProviderFactory {

    public static final String ID = "jpa";

    private static final Logger LOG = Logger.getLogger(JpaIncidentStoreFactory.class);

    @Override
    public IncidentStore create(KeycloakSession session) {
        return new JpaIncidentStore(session.getProvider(JpaConnectionProvider.class).getEntityManager(), new WakeAfterCommit(session),
                (realmId, userIds, reveals) -> UnflaggedMark.flagsWritten(session, realmId, userIds, reveals));
    }

    /** Publishes {@link WebhooksQueued} once after the session's transaction commits, however many rows it queued. */
    private static final class WakeAfterCommit implements Runnable {
        private final KeycloakSession session;
        private boolean enlisted;

        WakeAfterCommit(KeycloakSession session) {
            this.session = session;
        }

        @Override
        public void run() {
            if (!enlisted) {
                enlisted = true;
                KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
                AfterCommit.run(session, () -> factory.publish(WebhooksQueued.INSTANCE));
            }
        }
    }

    @Override
    public void init(Config.Scope config) {
        // no configuration yet
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(this::onEvent);
    }

    private void onEvent(ProviderEvent event) {
        if (event instanceof UserModel.UserRemovedEvent removed) {
            int n = removed.getKeycloakSession().getProvider(IncidentStore.class)
                    .removeUserFlags(removed.getRealm(), removed.getUser().getId());
            if (n > 0) {
                LOG.debugf("Removed %d breach flag(s) of a deleted user in realm %s", n, removed.getRealm().getName());
            }
        }
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return BuildInfo.operationalInfo();
    }
}
