package dev.breachresponse.keycloak.jobs;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.timer.TimerProvider;

import dev.breachresponse.keycloak.support.AfterCommit;
import dev.breachresponse.keycloak.support.KeycloakVersions;

/**
 * Holds this node's bulk flag worker: starts it once Keycloak has migrated its database (and only on a supported
 * Keycloak), schedules its poll on Keycloak's timer, stops it with the server. The options stay where admins set
 * them since the bulk API exists: scope {@value #OPTIONS_SPI}/{@value #OPTIONS_PROVIDER}, e.g.
 * {@code --spi-admin-realm-restapi-extension--breach-response--chunk-size=1000} ({@link JobSettings}).
 */
public final class JobServiceFactory implements ProviderFactory<JobService> {

    static final String OPTIONS_SPI = "admin-realm-restapi-extension";
    static final String OPTIONS_PROVIDER = "breach-response";

    private static final Logger LOG = Logger.getLogger(JobServiceFactory.class);

    private JobSettings settings;
    private volatile JobIntake intake;
    private volatile JobRunner runner;

    @Override
    public JobService create(KeycloakSession session) {
        return new JobService() {
            @Override
            public JobSettings settings() {
                return settings;
            }

            @Override
            public boolean started() {
                return runner != null;
            }

            @Override
            public JobIntake intake() {
                JobIntake i = intake;
                if (i == null) {
                    throw new IllegalStateException("The bulk flag worker has not started yet");
                }
                return i;
            }

            @Override
            public void kickAfterCommit() {
                JobRunner r = runner;
                if (r != null) {
                    AfterCommit.run(session, r::kick);
                }
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        settings = JobSettings.from(Config.scope(OPTIONS_SPI, OPTIONS_PROVIDER));
        if (!config.getPropertyNames().isEmpty()) {
            LOG.warnf("Breach Response ignores options %s of spi-%s--default: the bulk options are read from spi-%s--%s",
                    config.getPropertyNames(), JobSpi.NAME, OPTIONS_SPI, OPTIONS_PROVIDER);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent && KeycloakVersions.mayStartWorkers()) {
                start(factory);
            }
        });
    }

    private void start(KeycloakSessionFactory factory) {
        JobRunner r = new JobRunner(factory, settings);
        intake = new JobIntake(settings);
        runner = r;
        r.kick();
        try {
            // The timer thread only wakes the worker; the work runs on the worker's own thread.
            KeycloakModelUtils.runJobInTransaction(factory, s -> s.getProvider(TimerProvider.class)
                    .schedule(r::kick, settings.pollMillis(), "breach-response-job-poll"));
            LOG.infof("Breach Response job worker %s started; polling every %d s", r.owner(), settings.pollMillis() / 1000);
        } catch (RuntimeException e) {
            LOG.error("Breach Response could not schedule its job poll; jobs run only when submitted on this node", e);
        }
    }

    @Override
    public void close() {
        JobRunner r = runner;
        if (r != null) {
            r.shutdown();
        }
    }

    @Override
    public String getId() {
        return "default";
    }
}
