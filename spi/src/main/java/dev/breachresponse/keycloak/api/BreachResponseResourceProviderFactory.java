package dev.breachresponse.keycloak.api;

import java.util.List;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import dev.breachresponse.keycloak.jobs.JobSettings;
import dev.breachresponse.keycloak.support.BuildInfo;
import dev.breachresponse.keycloak.support.KeycloakVersions;

/**
 * Mounts the admin API at {@code /admin/realms/{realm}/breach-response}; Keycloak authenticates the caller. It holds
 * no worker: the bulk flag worker belongs to SPI {@code breach-jobs} ({@link dev.breachresponse.keycloak.jobs.JobServiceFactory}),
 * which reads the bulk options listed here ({@link JobSettings}) from this provider's scope.
 */
public final class BreachResponseResourceProviderFactory
        implements AdminRealmResourceProviderFactory, ServerInfoAwareProviderFactory {

    public static final String ID = "breach-response";

    /**
     * A provider per session, distinct from the factory: Keycloak closes providers after every request.
     */
    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new AdminRealmResourceProvider() {
            @Override
            public Object getResource(KeycloakSession s, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
                if (!KeycloakVersions.runningSupported()) {
                    return new UnsupportedVersionResource(s, auth);
                }
                return new BreachResponseResource(new AdminContext(s, realm, auth, adminEvent));
            }

            @Override
            public void close() {
                // per-request: nothing to release
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        // the options are read by the job service (SPI breach-jobs), which refuses out-of-range values at start
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to start
    }

    @Override
    public void close() {
        // nothing to stop
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return JobSettings.metadata();
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
