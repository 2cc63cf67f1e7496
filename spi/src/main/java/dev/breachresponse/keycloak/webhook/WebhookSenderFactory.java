package dev.breachresponse.keycloak.webhook;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;

import dev.breachresponse.keycloak.incident.WebhooksQueued;
import dev.breachresponse.keycloak.support.Drain;
import dev.breachresponse.keycloak.support.Options;

/**
 * Holds this node's webhook sender: one {@link Drain} on Keycloak's executor {@value #EXECUTOR}, woken by
 * {@link WebhooksQueued} (published after a commit that queued deliveries) and by the job worker's poll, and its own
 * threads ({@code parallel} senders and one timer that aborts attempts at their deadline). Options
 * ({@code --spi-breach-webhook-sender--default--…}): {@code max-attempts} (1–20, default 8), {@code timeout-seconds}
 * (the whole attempt, 1–30, default 5), {@code parallel} (deliveries in flight at once, 1–32, default 8).
 */
public final class WebhookSenderFactory implements ProviderFactory<WebhookSender> {

    private static final Logger LOG = Logger.getLogger(WebhookSenderFactory.class);

    static final String EXECUTOR = "breach-response-webhook";

    private volatile Drain drain;
    private WebhookDeliveries.Settings settings;
    private WebhookDeliveries.Threads threads;
    /** This node's name in the rows it claims (lease owner). */
    private final String owner = "node-" + KeycloakModelUtils.generateId();

    @Override
    public WebhookSender create(KeycloakSession session) {
        return this::kick;
    }

    /** Wakes the sender (one drain at a time per node; a kick during a drain causes one more). */
    void kick() {
        Drain.kickSender(drain, LOG, "webhook sender");
    }

    @Override
    public void init(Config.Scope config) {
        // a wrong value stops the server, naming the option
        String p = "spi-" + WebhookSenderSpi.NAME + "--default--";
        WebhookDeliveries.Settings d = WebhookDeliveries.Settings.DEFAULT;
        settings = new WebhookDeliveries.Settings(
                Options.bounded(config.getInt("max-attempts", d.maxAttempts()), 1, 20, p + "max-attempts"),
                Options.bounded(config.getInt("timeout-seconds", d.timeoutSeconds()), 1, 30, p + "timeout-seconds"),
                Options.bounded(config.getInt("parallel", d.parallel()), 1, 32, p + "parallel"));
    }

    @Override
    public synchronized void postInit(KeycloakSessionFactory factory) {
        // threads of its own: Keycloak's shared executors run at most four tasks at once, and sending must not wait
        // behind other work; daemon threads, stopped with the factory
        AtomicInteger n = new AtomicInteger();
        ThreadFactory named = r -> {
            Thread t = new Thread(r, "breach-webhook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        WebhookDeliveries.Threads own = new WebhookDeliveries.Threads(Executors.newFixedThreadPool(settings.parallel(), named),
                Executors.newSingleThreadScheduledExecutor(named));
        threads = own;
        drain = Drain.onKeycloakExecutor(factory, EXECUTOR, () -> WebhookDeliveries.drain(factory, settings, own, owner),
                e -> LOG.errorf(e, "breach-response: webhook sending stopped; the next kick resumes it"));
        factory.register(event -> {
            if (event instanceof WebhooksQueued) {
                kick();
            }
        });
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("max-attempts").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(WebhookDeliveries.Settings.DEFAULT.maxAttempts())
                .helpText("Attempts per delivery before it is DEAD (1 to 20)").add()
                .property().name("timeout-seconds").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(WebhookDeliveries.Settings.DEFAULT.timeoutSeconds())
                .helpText("Time for one whole delivery attempt, after which it is aborted (seconds, 1 to 30)").add()
                .property().name("parallel").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(WebhookDeliveries.Settings.DEFAULT.parallel())
                .helpText("Deliveries in flight at once on this node (1 to 32)").add()
                .build();
    }

    @Override
    public synchronized void close() {
        if (threads != null) {
            // a running drain sees the pool shut down and claims no more; rows it claimed and could not send go back
            threads.pool().shutdown();
            threads.timer().shutdown();
            try {
                threads.pool().awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            threads.pool().shutdownNow();
            threads.timer().shutdownNow();
            threads = null;
        }
    }

    @Override
    public String getId() {
        return "default";
    }
}
