package dev.breachresponse.keycloak.incident.jpa;

import java.util.List;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import dev.breachresponse.keycloak.support.BuildInfo;

/** Registers the extension's entities and its Liquibase changelog with Keycloak's JPA layer. */
public final class BreachJpaEntityProviderFactory implements JpaEntityProviderFactory, ServerInfoAwareProviderFactory {

    public static final String ID = "breach-response";

    static final String CHANGELOG = "META-INF/breach-response/changelog-master.xml";

    private static final List<Class<?>> ENTITIES = List.of(IncidentEntity.class, FlagEntity.class, FlagHistoryEntity.class, JobEntity.class, RealmConfigEntity.class, ReminderEntity.class,
            HygieneWalkEntity.class, NudgeEntity.class, LogoutEntity.class, EnforcementGapEntity.class,
            WebhookEntity.class, WebhookDeliveryEntity.class, WebhookBatchEntity.class,
            SsfReceiverEntity.class, SsfJtiEntity.class, SsfEventEntity.class, SsfInboxEntity.class, AlertStateEntity.class);

    private static final JpaEntityProvider PROVIDER = new JpaEntityProvider() {
        @Override
        public List<Class<?>> getEntities() {
            return ENTITIES;
        }

        @Override
        public String getChangelogLocation() {
            return CHANGELOG;
        }

        @Override
        public String getFactoryId() {
            return ID;
        }

        @Override
        public void close() {
            // stateless
        }
    };

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return PROVIDER;
    }

    @Override
    public void init(Config.Scope config) {
        // no configuration
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to register
    }

    @Override
    public void close() {
        // stateless
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
