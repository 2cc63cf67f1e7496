package dev.breachresponse.keycloak.api;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.ServiceUnavailableException;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.timer.TimerProvider;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import dev.breachresponse.keycloak.api.jobs.JobIntake;
import dev.breachresponse.keycloak.api.jobs.JobRunner;
import dev.breachresponse.keycloak.api.jobs.JobSettings;
import dev.breachresponse.keycloak.support.BuildInfo;

/** Mounts the admin API at {@code /admin/realms/{realm}/breach-response}; Keycloak authenticates the caller. */
public final class BreachResponseResourceProviderFactory
        implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider, ServerInfoAwareProviderFactory {

    public static final String ID = "breach-response";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    private JobSettings settings;
    private volatile BulkFlags bulk;

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        BulkFlags b = bulk;
        if (b == null) {
            throw new ServiceUnavailableException("Breach Response is still starting");
        }
        return new BreachResponseResource(session, realm, auth, adminEvent, b);
    }

    @Override
    public void init(Config.Scope config) {
        settings = JobSettings.from(config);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                JobRunner runner = new JobRunner(factory, settings);
                bulk = new BulkFlags(settings, new JobIntake(settings), runner);
                // The timer thread only wakes the worker; the work runs on the worker's own thread.
                KeycloakModelUtils.runJobInTransaction(factory, s -> s.getProvider(TimerProvider.class)
                        .schedule(runner::kick, settings.pollMillis(), "breach-response-job-poll"));
                runner.kick();
            }
        });
    }

    @Override
    public void close() {
        BulkFlags b = bulk;
        if (b != null) {
            b.runner().shutdown();
        }
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
