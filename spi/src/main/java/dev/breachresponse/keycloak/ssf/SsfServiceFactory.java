package dev.breachresponse.keycloak.ssf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

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
import org.keycloak.vault.VaultStringSecret;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.support.AfterCommit;
import dev.breachresponse.keycloak.support.KeycloakVersions;
import dev.breachresponse.keycloak.support.Options;

/**
 * Holds the node's Shared Signals receiver service: the timer that aborts transmitter calls at their deadline, and the
 * poll schedule ({@link ClusterAwareScheduledTaskRunner} task {@value #TASK}: one node per tick leases the poll
 * receivers that are due and runs their cycles on Keycloak's executor {@value #EXECUTOR}, outside the tick's
 * transaction; the same tick wakes the {@link InboxDrain} that applies accepted SETs). Options ({@code --spi-breach-ssf--default--…}): {@code poll-tick-seconds} (1–300, default 5),
 * {@code timeout-millis} (a whole transmitter call, 500–30000, default 5000), {@code log-retention-days} (1–365,
 * default 30), {@code keys-max-age-seconds} (how long a fetched JWKS serves, 60–86400, default 3600).
 */
public final class SsfServiceFactory implements ProviderFactory<SsfService> {

    private static final Logger LOG = Logger.getLogger(SsfServiceFactory.class);

    static final String TASK = "breach-ssf-poll";
    static final String EXECUTOR = "breach-response-ssf";

    /** How long a poll lease holds (a node that stopped mid-cycle leaves the receiver to another after this). */
    static final long LEASE_MILLIS = 120_000;

    private int tickSeconds = 5;
    private int timeoutMillis = 5000;
    private int retentionDays = 30;
    private int keysMaxAgeSeconds = 3600;
    private final ConcurrentHashMap<String, Integer> keyGenerations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> keysFetchedAt = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private KeycloakSessionFactory sessionFactory;
    private InboxDrain inbox;
    private final String owner = "node-" + KeycloakModelUtils.generateId();

    @Override
    public SsfService create(KeycloakSession session) {
        return new DefaultSsfService(session, this);
    }

    @Override
    public void init(Config.Scope config) {
        String p = "spi-" + SsfSpi.NAME + "--default--";
        tickSeconds = Options.bounded(config.getInt("poll-tick-seconds", 5), 1, 300, p + "poll-tick-seconds");
        timeoutMillis = Options.bounded(config.getInt("timeout-millis", 5000), 500, 30_000, p + "timeout-millis");
        retentionDays = Options.bounded(config.getInt("log-retention-days", 30), 1, 365, p + "log-retention-days");
        keysMaxAgeSeconds = Options.bounded(config.getInt("keys-max-age-seconds", 3600), 60, 86_400, p + "keys-max-age-seconds");
    }

    @Override
    public synchronized void postInit(KeycloakSessionFactory factory) {
        this.sessionFactory = factory;
        this.inbox = new InboxDrain(factory, this);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "breach-ssf-deadline");
            t.setDaemon(true);
            return t;
        });
        factory.register(event -> {
            if (event instanceof PostMigrationEvent && KeycloakVersions.mayStartWorkers()) {
                try (KeycloakSession session = factory.create()) {
                    long interval = tickSeconds * 1000L;
                    session.getProvider(TimerProvider.class).schedule(new ClusterAwareScheduledTaskRunner(factory, new Tick(), interval), interval);
                }
            }
        });
    }

    /** The outbound HTTP of a session (Keycloak's client, this factory's deadline timer). */
    Outbound outbound(KeycloakSession session) {
        return new Outbound(session, timer, timeoutMillis);
    }

    /** This node's drainer of accepted SETs. */
    InboxDrain inbox() {
        return inbox;
    }

    int keysMaxAgeSeconds() {
        return keysMaxAgeSeconds;
    }

    int keyGeneration(String receiverId) {
        return keyGenerations.getOrDefault(receiverId, 0);
    }

    void nextKeyGeneration(String receiverId) {
        keyGenerations.merge(receiverId, 1, Integer::sum);
    }

    /** The loader of a receiver's JWKS ran now on this node. */
    void keysFetched(String receiverId) {
        keysFetchedAt.put(receiverId, System.currentTimeMillis());
    }

    /** Whether this node last fetched the receiver's JWKS more than {@code millis} ago (or never). */
    boolean keysFetchedBefore(String receiverId, long millis) {
        Long at = keysFetchedAt.get(receiverId);
        return at == null || System.currentTimeMillis() - at > millis;
    }

    /** A lease token of this node for one cycle (or one tick's cycles): the node and a random part. */
    String leaseToken() {
        return owner + ":" + KeycloakModelUtils.generateId().substring(0, 8);
    }

    /** The client secret as stored, or the value of its {@code ${vault.…}} reference in the realm's vault. */
    static String secret(KeycloakSession session, String realmId, String stored) {
        if (stored == null) {
            throw new IllegalStateException("no client secret is set for the transmitter's token endpoint");
        }
        RealmModel realm = session.realms().getRealm(realmId);
        session.getContext().setRealm(realm);
        try (VaultStringSecret v = session.vault().getStringSecret(stored)) {
            return v.get().orElseThrow(() -> new IllegalStateException("the client secret's vault entry is missing"));
        }
    }

    /** Runs one cycle of a leased receiver on Keycloak's executor. */
    void cycleLater(String receiverId, String token) {
        try (KeycloakSession s = sessionFactory.create()) {
            s.getProvider(ExecutorsProvider.class).getExecutor(EXECUTOR).execute(() -> {
                try {
                    Poller.run(sessionFactory, this, receiverId, token);
                } catch (Throwable e) { // NOPMD: an Error would otherwise vanish inside the executor
                    LOG.errorf(e, "breach-response: an SSF poll cycle stopped");
                }
            });
        }
    }

    /** The cluster tick: purge, then lease the due poll receivers (short transaction) and start their cycles. */
    private final class Tick implements ScheduledTask {
        private int ticks;

        @Override
        public void run(KeycloakSession session) {
            long now = Time.currentTimeMillis();
            SsfReceivers store = session.getProvider(IncidentStore.class).ssf();
            if (ticks++ % Math.max(1, 3600 / tickSeconds) == 0) {
                int purged = store.purge(now, now - retentionDays * 86_400_000L);
                if (purged > 0) {
                    LOG.debugf("breach-response: purged %d SSF replay and log rows", purged);
                }
            }
            List<String> due = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (String id : store.dueReceivers(now, 20)) {
                String token = leaseToken(); // one per cycle: a cycle that outlived its lease cannot renew the next one's
                if (store.leaseIfDue(id, token, now, now + LEASE_MILLIS)) {
                    due.add(id);
                    tokens.add(token);
                }
            }
            // started after this transaction commits, so that the cycles see the leases; the inbox drain picks up what is
            // due (a retry, the rows of a node that stopped)
            AfterCommit.run(session, () -> {
                inbox.kick();
                for (int i = 0; i < due.size(); i++) {
                    cycleLater(due.get(i), tokens.get(i));
                }
            });
        }

        @Override
        public String getTaskName() {
            return TASK;
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("poll-tick-seconds").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(5)
                .helpText("How often one node of the cluster looks for poll receivers that are due (seconds, 1 to 300)").add()
                .property().name("timeout-millis").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(5000)
                .helpText("Time for one whole call to a transmitter, after which it is aborted (milliseconds, 500 to 30000)").add()
                .property().name("keys-max-age-seconds").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(3600)
                .helpText("How long a transmitter's fetched JWKS is used before it is fetched again (seconds, 60 to 86400)").add()
                .property().name("log-retention-days").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(30)
                .helpText("How long the receivers' event log keeps a row (days, 1 to 365)").add()
                .build();
    }

    @Override
    public synchronized void close() {
        if (inbox != null) {
            inbox.close();
        }
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public String getId() {
        return "default";
    }
}
