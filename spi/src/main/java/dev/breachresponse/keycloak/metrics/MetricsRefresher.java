package dev.breachresponse.keycloak.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.MetricsCounts;
import dev.breachresponse.keycloak.support.KeycloakVersions;
import dev.breachresponse.keycloak.support.Options;

/**
 * The extension's gauges, read from the database every {@code interval-seconds} (default 60, 5 to 3600) on a thread
 * of their own, never on a scrape or a login, and only when the server runs with {@code --metrics-enabled=true}:
 * <ul>
 *   <li>{@code keycloak_breach_flags_open{realm,state}}: open flags (FLAGGED, STEPPED_UP) per realm (by name);</li>
 *   <li>{@code keycloak_breach_incident_flags_open{realm,incident,state}}: the same per open incident (the incident's
 *       key; a closed incident's series goes away);</li>
 *   <li>{@code keycloak_breach_outbox_rows{outbox,state}}: rows owed (PENDING) or failed (FAILED) per outbox
 *       ({@code reminders}, {@code nudges}, {@code logouts}, {@code webhooks});</li>
 *   <li>{@code keycloak_breach_metrics_refreshed_timestamp_seconds}: when the gauges were last read (a stale value
 *       means the refresh fails; the log says why).</li>
 * </ul>
 * Every node of a cluster reads the same database and shows the same values: aggregate with {@code max}, not
 * {@code sum}. The counters are {@link BreachMetrics}'.
 */
public final class MetricsRefresher implements ProviderFactory<MetricsProvider> {

    private static final Logger LOG = Logger.getLogger(MetricsRefresher.class);
    private static final MetricsProvider NONE = new MetricsProvider() { };

    private long intervalSeconds;
    private boolean enabled;
    private ScheduledExecutorService thread;
    private MultiGauge openFlags;
    private MultiGauge incidentFlags;
    private MultiGauge outboxRows;
    /** Strong reference for the timestamp gauge (Micrometer keeps gauge state weakly). */
    private final double[] refreshedAt = {0};

    @Override
    public MetricsProvider create(KeycloakSession session) {
        return NONE;
    }

    @Override
    public void init(Config.Scope config) {
        intervalSeconds = Options.bounded(config.getLong("interval-seconds", 60L), 5, 3600, "spi-" + MetricsSpi.NAME + "--default--interval-seconds");
        enabled = metricsEnabled(config);
    }

    /**
     * Whether the server runs with {@code --metrics-enabled=true} (the root configuration scope, as Keycloak's own
     * {@code PasswordCredentialProviderFactory} reads it). Keycloak before 26.4 has no {@code Config.Scope.root()}:
     * such a server (unsupported; the extension stays inactive there) must still start, so it counts as off.
     */
    static boolean metricsEnabled(Config.Scope config) {
        try {
            Config.Scope root = config.root();
            return root != null && Boolean.TRUE.equals(root.getBoolean("metrics-enabled", false));
        } catch (LinkageError e) {
            return false;
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (!enabled || !KeycloakVersions.mayStartWorkers()) {
            return;
        }
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                start(factory);
            }
        });
    }

    private synchronized void start(KeycloakSessionFactory factory) {
        if (thread != null) {
            return;
        }
        openFlags = MultiGauge.builder("keycloak.breach.flags.open").description("Open breach flags per realm and state")
                .register(Metrics.globalRegistry);
        incidentFlags = MultiGauge.builder("keycloak.breach.incident.flags.open").description("Open breach flags per open incident and state")
                .register(Metrics.globalRegistry);
        outboxRows = MultiGauge.builder("keycloak.breach.outbox.rows").description("Outbox rows owed (PENDING) or failed (FAILED)")
                .register(Metrics.globalRegistry);
        Gauge.builder("keycloak.breach.metrics.refreshed.timestamp.seconds", refreshedAt, a -> a[0])
                .description("When the breach gauges were last read from the database (epoch seconds)")
                .strongReference(true).register(Metrics.globalRegistry);
        // the start counts as the last read: a refresh that fails from the start shows as stale, not as "no value"
        refreshedAt[0] = System.currentTimeMillis() / 1000.0;
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "breach-response-metrics");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> refresh(factory), 0, intervalSeconds, TimeUnit.SECONDS);
        LOG.infof("Breach Response metrics: gauges refreshed every %d s", intervalSeconds);
    }

    private void refresh(KeycloakSessionFactory factory) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                MetricsCounts c = session.getProvider(IncidentStore.class).metricsCounts();
                Map<String, String> names = new HashMap<>();
                List<MultiGauge.Row<?>> open = new ArrayList<>();
                for (MetricsCounts.RealmState r : c.openFlags()) {
                    open.add(MultiGauge.Row.of(Tags.of("realm", name(session, names, r.realmId()), "state", r.state().name()), r.count()));
                }
                List<MultiGauge.Row<?>> incidents = new ArrayList<>();
                for (MetricsCounts.IncidentState r : c.incidentFlags()) {
                    incidents.add(MultiGauge.Row.of(Tags.of("realm", name(session, names, r.realmId()), "incident", r.incidentKey(),
                            "state", r.state().name()), r.count()));
                }
                List<MultiGauge.Row<?>> outboxes = new ArrayList<>();
                for (String outbox : List.of("reminders", "nudges", "logouts", "webhooks")) {
                    for (String state : List.of("PENDING", "FAILED")) {
                        long n = c.outboxes().stream().filter(o -> o.outbox().equals(outbox) && o.state().name().equals(state))
                                .mapToLong(MetricsCounts.OutboxCount::count).sum();
                        outboxes.add(MultiGauge.Row.of(Tags.of("outbox", outbox, "state", state), n));
                    }
                }
                openFlags.register(open, true);
                incidentFlags.register(incidents, true);
                outboxRows.register(outboxes, true);
                refreshedAt[0] = System.currentTimeMillis() / 1000.0;
            });
        } catch (RuntimeException e) {
            LOG.warnf("Breach Response metrics: could not read the counts (%s); the gauges keep their last values", e.toString());
        }
    }

    /** The realm's name for the tag (ids mean nothing on a dashboard); the id when the realm is gone. */
    private static String name(KeycloakSession session, Map<String, String> names, String realmId) {
        return names.computeIfAbsent(realmId, id -> {
            RealmModel realm = session.realms().getRealm(id);
            return realm == null ? id : realm.getName();
        });
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("interval-seconds").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(60)
                .helpText("How often the breach gauges are read from the database (seconds, 5 to 3600); only with --metrics-enabled=true")
                .add().build();
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }

    @Override
    public String getId() {
        return "default";
    }
}
