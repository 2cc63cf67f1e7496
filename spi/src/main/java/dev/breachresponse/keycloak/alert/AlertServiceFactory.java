package dev.breachresponse.keycloak.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

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

import dev.breachresponse.keycloak.support.KeycloakVersions;

/**
 * Schedules the admin alerts' check the cluster-safe way, as the reminders do: after migration, on Keycloak's timer,
 * through {@link ClusterAwareScheduledTaskRunner} (never on two nodes at once; claims in the database make a second
 * check harmless anyway). The check only reads and claims (bounded database work per realm); the emails go out on
 * Keycloak's executor {@value #TASK}, never on the timer thread.
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
        AdminAlerts.Planned planned = checkRealm(factory, realmId, Time.currentTimeMillis(), digest);
        if (planned == null) {
            return new AlertService.RunReport(false, List.of(), List.of(), List.of());
        }
        if (planned == AdminAlerts.Planned.NONE) {
            return new AlertService.RunReport(true, List.of(), List.of(), null);
        }
        List<String> sent = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (AdminAlerts.Outgoing o : planned.outgoing()) {
            (AdminAlerts.send(factory, o) ? sent : failed).add(o.kind().key);
        }
        return new AlertService.RunReport(true, planned.checked(), sent, failed);
    }

    /**
     * One realm's check, isolated from every other realm's: the missing rows seeded in a transaction of their own (a
     * run seeding the same rows at the same moment makes ours fail, which is fine), then the plan and its claims in
     * another. Returns null when the realm's alerts are off, {@link AdminAlerts.Planned#NONE} when the check failed
     * (logged with the realm id and the exception's class).
     */
    static AdminAlerts.Planned checkRealm(KeycloakSessionFactory factory, String realmId, long now, boolean digest) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> AdminAlerts.seed(s, realmId, now));
        } catch (RuntimeException e) {
            LOG.debugf("breach-response: admin alert rows of realm id %s were seeded by another run (%s)", realmId, e.getClass().getSimpleName());
        }
        try {
            return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> AdminAlerts.planRealm(s, realmId, now, digest));
        } catch (RuntimeException e) {
            LOG.warnf("breach-response: could not check the admin alerts of realm id %s (%s); the next check tries again", realmId,
                    e.getClass().getSimpleName());
            return AdminAlerts.Planned.NONE;
        }
    }

    @Override
    public void init(Config.Scope config) {
        intervalSeconds = config.getInt("interval-seconds", 60);
        if (intervalSeconds < 5 || intervalSeconds > 3_600) {
            throw new IllegalArgumentException("spi-breach-alerts--default--interval-seconds must be from 5 to 3600, not " + intervalSeconds);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent && KeycloakVersions.mayStartWorkers()) {
                try (KeycloakSession session = factory.create()) {
                    long interval = intervalSeconds * 1000L;
                    session.getProvider(TimerProvider.class)
                            .schedule(new ClusterAwareScheduledTaskRunner(factory, new AdminAlertsTick(factory), interval), interval);
                    LOG.infof("Breach Response admin alerts checked every %d s", intervalSeconds);
                }
            }
        });
    }

    /**
     * One check of every realm whose alerts are on, each realm in transactions of its own (one realm's failure leaves
     * the others); the emails go out on Keycloak's executor, never on the timer thread. The class name is the cluster
     * lock's key of {@link ClusterAwareScheduledTaskRunner}: unique in this extension.
     */
    private static final class AdminAlertsTick implements ScheduledTask {

        private final KeycloakSessionFactory factory;

        AdminAlertsTick(KeycloakSessionFactory factory) {
            this.factory = factory;
        }

        @Override
        public void run(KeycloakSession session) {
            long now = Time.currentTimeMillis();
            List<AdminAlerts.Outgoing> outgoing = new ArrayList<>();
            for (String realmId : AdminAlerts.realmsWithAlerts(session)) {
                AdminAlerts.Planned planned = checkRealm(factory, realmId, now, false);
                if (planned != null) {
                    outgoing.addAll(planned.outgoing());
                }
            }
            if (outgoing.isEmpty()) {
                return;
            }
            try {
                session.getProvider(ExecutorsProvider.class).getExecutor(TASK).execute(() -> outgoing.forEach(o -> AdminAlerts.send(factory, o)));
            } catch (RejectedExecutionException e) {
                // the node is stopping: the claims' lease runs out and the next check on any node sends them
                LOG.warnf("breach-response: %d admin alerts were not sent (the server is stopping); the next check sends them", outgoing.size());
            }
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
                .helpText("How often the admin alerts are checked (never on two nodes at once), 5 to 3600.").add()
                .build();
    }
}
