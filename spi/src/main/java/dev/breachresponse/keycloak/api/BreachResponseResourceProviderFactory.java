package dev.breachresponse.keycloak.api;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.ServiceUnavailableException;

import org.jboss.logging.Logger;
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

import dev.breachresponse.keycloak.jobs.JobIntake;
import dev.breachresponse.keycloak.jobs.JobRunner;
import dev.breachresponse.keycloak.jobs.JobSettings;
import dev.breachresponse.keycloak.support.BuildInfo;
import dev.breachresponse.keycloak.support.KeycloakVersions;

/** Mounts the admin API at {@code /admin/realms/{realm}/breach-response}; Keycloak authenticates the caller. */
public final class BreachResponseResourceProviderFactory
        implements AdminRealmResourceProviderFactory, ServerInfoAwareProviderFactory {

    public static final String ID = "breach-response";

    private static final Logger LOG = Logger.getLogger(BreachResponseResourceProviderFactory.class);

    private JobSettings settings;
    private volatile BulkFlags bulk;

    /**
     * A provider per session, distinct from the factory: Keycloak closes providers after every request, and
     * closing the factory would stop this node's job worker.
     */
    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new AdminRealmResourceProvider() {
            @Override
            public Object getResource(KeycloakSession s, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
                if (!KeycloakVersions.runningSupported()) {
                    return new UnsupportedVersionResource(s, auth);
                }
                BulkFlags b = bulk;
                if (b == null) {
                    throw new ServiceUnavailableException("Breach Response is still starting");
                }
                return new BreachResponseResource(s, realm, auth, adminEvent, b);
            }

            @Override
            public void close() {
                // per-request: nothing to release
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        settings = JobSettings.from(config);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent && KeycloakVersions.mayStartWorkers()) {
                JobRunner runner = new JobRunner(factory, settings);
                bulk = new BulkFlags(new JobIntake(settings), runner);
                runner.kick();
                try {
                    // The timer thread only wakes the worker; the work runs on the worker's own thread.
                    KeycloakModelUtils.runJobInTransaction(factory, s -> s.getProvider(TimerProvider.class)
                            .schedule(runner::kick, settings.pollMillis(), "breach-response-job-poll"));
                    LOG.infof("Breach Response job worker %s started; polling every %d s", runner.owner(), settings.pollMillis() / 1000);
                } catch (RuntimeException e) {
                    LOG.error("Breach Response could not schedule its job poll; jobs run only when submitted on this node", e);
                }
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
