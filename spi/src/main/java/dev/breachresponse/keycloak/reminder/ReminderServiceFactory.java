package dev.breachresponse.keycloak.reminder;

import java.util.List;

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
import org.keycloak.timer.TimerProvider;

import dev.breachresponse.keycloak.support.AfterCommit;
import dev.breachresponse.keycloak.support.Drain;
import dev.breachresponse.keycloak.support.KeycloakVersions;

/**
 * Registers the reminder task the cluster-safe way: after migration, on Keycloak's timer, through
 * {@link ClusterAwareScheduledTaskRunner} (one node per interval). The tick only plans (bounded database work);
 * sending runs afterwards on Keycloak's executors, never on the timer thread.
 */
public final class ReminderServiceFactory implements ProviderFactory<ReminderService> {

    private static final Logger LOG = Logger.getLogger(ReminderServiceFactory.class);

    static final String TASK = "breach-response-reminders";

    static final String HYGIENE_TASK = "breach-response-hygiene";

    private ReminderSettings settings;

    /** This node's sender: one drain at a time (so at most one email in flight per node from the scheduled runs). */
    private volatile Drain sender;

    @Override
    public ReminderService create(KeycloakSession session) {
        return new ReminderService() {
            @Override
            public RunReport runNow(RealmModel realm) {
                return ReminderServiceFactory.this.runNow(session.getKeycloakSessionFactory(), realm.getId());
            }

            @Override
            public HygieneReport runHygieneNow(RealmModel realm) {
                return ReminderServiceFactory.this.runHygieneNow(session.getKeycloakSessionFactory(), realm.getId());
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    ReminderService.HygieneReport runHygieneNow(KeycloakSessionFactory factory, String realmId) {
        Hygiene.Walked[] walked = new Hygiene.Walked[1];
        long t0 = System.nanoTime();
        KeycloakModelUtils.runJobInTransaction(factory, s -> {
            s.getContext().setRealm(s.realms().getRealm(realmId));
            walked[0] = Hygiene.walk(s, realmId, Time.currentTimeMillis(), settings.hygieneBatchSize(), new Audit(s));
        });
        long t1 = System.nanoTime();
        Sender.Sent sent = Sender.drain(factory, realmId, settings);
        long t2 = System.nanoTime();
        Hygiene.Walked w = walked[0];
        return new ReminderService.HygieneReport(w.realms() > 0, w.users(), w.queued(), w.passesStarted() > 0, w.passesFinished() > 0,
                sent.hygieneSent(), sent.hygieneFailed(), sent.hygieneCancelled(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    /** Plans one realm and sends what is pending, each in its own transactions; returns what happened. */
    ReminderService.RunReport runNow(KeycloakSessionFactory factory, String realmId) {
        Campaign.Planned[] planned = new Campaign.Planned[1];
        long t0 = System.nanoTime();
        KeycloakModelUtils.runJobInTransaction(factory, s -> {
            s.getContext().setRealm(s.realms().getRealm(realmId));
            planned[0] = Campaign.plan(s, realmId, Time.currentTimeMillis(), settings, new Audit(s));
        });
        long t1 = System.nanoTime();
        Sender.Sent sent = Sender.drain(factory, realmId, settings);
        long t2 = System.nanoTime();
        Campaign.Planned p = planned[0];
        return new ReminderService.RunReport(p.looked(), p.remindersQueued(), p.deferred(), p.escalated(),
                sent.sent(), sent.failed(), sent.cancelled(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    @Override
    public void init(Config.Scope config) {
        settings = ReminderSettings.from(config);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        sender = new Drain(loop -> {
            try (KeycloakSession s = factory.create()) {
                s.getProvider(ExecutorsProvider.class).getExecutor(TASK).execute(loop);
            }
        }, () -> Sender.drain(factory, null, settings), e -> LOG.errorf(e, "breach-response: reminder sending failed"));
        factory.register(event -> {
            if (event instanceof PostMigrationEvent && KeycloakVersions.mayStartWorkers()) {
                KeycloakSession session = factory.create();
                try {
                    TimerProvider timer = session.getProvider(TimerProvider.class);
                    long interval = settings.intervalSeconds() * 1000L;
                    timer.schedule(new ClusterAwareScheduledTaskRunner(factory, new ReminderTask(this), interval), interval);
                    LOG.infof("Breach Response reminders scheduled every %d s (batch %d, send cap %d)",
                            settings.intervalSeconds(), settings.batchSize(), settings.sendCap());
                    long hygieneInterval = settings.hygieneIntervalSeconds() * 1000L;
                    timer.schedule(new ClusterAwareScheduledTaskRunner(factory, new HygieneTask(this), hygieneInterval), hygieneInterval);
                } finally {
                    session.close();
                }
            }
        });
    }

    ReminderSettings settings() {
        return settings;
    }

    /** Wakes the sender once the caller's transaction (which queued rows) has committed; nothing on rollback. */
    void kickSenderAfterCommit(KeycloakSession session) {
        AfterCommit.run(session, sender::kick);
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
                .helpText("How often the planner runs (one node of the cluster per interval), 5 to 86400.").add()
                .property().name("batch-size").type("int").defaultValue(500)
                .helpText("How many due flags one run looks at, 1 to 10000.").add()
                .property().name("send-cap").type("int").defaultValue(200)
                .helpText("How many reminder emails one run sends at most, 1 to 10000.").add()
                .property().name("max-attempts").type("int").defaultValue(5)
                .helpText("How often one email is tried before it stays FAILED, 1 to 100.").add()
                .property().name("retry-seconds").type("int").defaultValue(300)
                .helpText("Wait before retrying a failed email, 0 to 86400.").add()
                .property().name("min-gap-hours").type("int").defaultValue(20)
                .helpText("Shortest gap between two reminders to the same user (across incidents), 0 to 720.").add()
                .property().name("hygiene-interval-seconds").type("int").defaultValue(300)
                .helpText("How often the hygiene walk takes its next slice of users (realms that switched it on), 5 to 86400.").add()
                .property().name("hygiene-batch-size").type("int").defaultValue(1000)
                .helpText("How many users one hygiene slice looks at, across realms, 1 to 10000.").add()
                .build();
    }
}
