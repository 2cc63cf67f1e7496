package dev.breachresponse.keycloak.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.timer.TimerProvider;

import dev.breachresponse.keycloak.support.AfterCommit;
import dev.breachresponse.keycloak.support.KeycloakVersions;

/**
 * Schedules the admin alerts' check the cluster-safe way, as the reminders do: after migration, on Keycloak's timer,
 * through {@link ClusterAwareScheduledTaskRunner} (one node per interval). The tick only reads and claims (bounded
 * database work); the emails go out after it commits, on Keycloak's executor {@value #TASK}, never on the timer thread.
 */
public final class AlertServiceFactory implements ProviderFactory<AlertService> {

    private static final Logger LOG = Logger.getLogger(AlertServiceFactory.class);

    static final String TASK = "breach-response-alerts";

    private int intervalSeconds;

    @Override
    public AlertService create(KeycloakSession session) {
        return new AlertService() {
            @Override
            public RunReport runNow(RealmModel realm, boolean digest) {
                return AlertServiceFactory.runNow(session.getKeycloakSessionFactory(), realm.getId(), digest);
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    static AlertService.RunReport runNow(KeycloakSessionFactory factory, String realmId, boolean digest) {
        AdminAlerts.Planned[] planned = new AdminAlerts.Planned[1];
        long now = Time.currentTimeMillis();
        KeycloakModelUtils.runJobInTransaction(factory, s -> planned[0] = AdminAlerts.plan(s, realmId, now, digest));
        List<String> sent = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (AdminAlerts.Outgoing o : planned[0].outgoing()) {
            (AdminAlerts.send(factory, o) ? sent : failed).add(o.kind().key);
        }
        List<AdminAlerts.Checked> checked = planned[0].checked().get(realmId);
        return new AlertService.RunReport(checked != null, checked == null ? List.of() : checked, sent, failed);
    }

    @Override
    public void init(Config.Scope config) {
        intervalSeconds = config.getInt("interval-seconds", 60);
        if (intervalSeconds < 5 || intervalSeconds > 86_400) {
            throw new IllegalArgumentException("spi-breach-alerts--default--interval-seconds must be from 5 to 86400, not " + intervalSeconds);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent && KeycloakVersions.mayStartWorkers()) {
                try (KeycloakSession session = factory.create()) {
                    long interval = intervalSeconds * 1000L;
                    session.getProvider(TimerProvider.class)
                            .schedule(new ClusterAwareScheduledTaskRunner(factory, new Tick(factory), interval), interval);
                    LOG.infof("Breach Response admin alerts checked every %d s", intervalSeconds);
                }
            }
        });
    }

    /** One check of every realm whose alerts are on, in the timer's transaction; sending after it commits. */
    private static final class Tick implements ScheduledTask {

        private final KeycloakSessionFactory factory;

        Tick(KeycloakSessionFactory factory) {
            this.factory = factory;
        }

        @Override
        public void run(KeycloakSession session) {
            AdminAlerts.Planned planned = AdminAlerts.plan(session, null, Time.currentTimeMillis(), false);
            if (planned.outgoing().isEmpty()) {
                return;
            }
            Executor executor = session.getProvider(ExecutorsProvider.class).getExecutor(TASK);
            AfterCommit.run(session, () -> executor.execute(() -> planned.outgoing().forEach(o -> AdminAlerts.send(factory, o))));
        }

        @Override
        public String getTaskName() {
            return TASK;
        }
    }

    @Override
    public void close() {
        // the timer cancels its tasks when Keycloak stops
    }

    @Override
    public String getId() {
        return "default";
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("interval-seconds").type("int").defaultValue(60)
                .helpText("How often the admin alerts are checked (one node of the cluster per interval), 5 to 86400.").add()
                .build();
    }
}
