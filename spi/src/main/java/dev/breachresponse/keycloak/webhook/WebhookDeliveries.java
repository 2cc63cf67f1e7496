package dev.breachresponse.keycloak.webhook;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.util.EntityUtils;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.DeliveryState;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Webhooks;
import dev.breachresponse.keycloak.metrics.BreachMetrics;
import dev.breachresponse.keycloak.support.BuildInfo;

/**
 * Sends due webhook deliveries (Standard Webhooks): each in its own transaction, the row locked while it is sent (so
 * two nodes never send the same delivery), POSTed as {@code application/json} with {@code webhook-id} (the row's
 * {@code msg_…} id, the same on every attempt), {@code webhook-timestamp} (seconds, the wall clock at sending) and
 * {@code webhook-signature} ({@link WebhookSigner}). A 2xx answer delivers it; anything else, a timeout or a refused
 * connection is FAILED and tried again after {@link #retryWait} until the last attempt makes it DEAD. Redirects are
 * not followed, the response body is read and dropped, and the URL is never logged (its path may be a credential).
 * Per-endpoint order is not promised: deliveries run {@code parallel} at a time, and a retry comes after later events.
 */
public final class WebhookDeliveries {

    private static final Logger LOG = Logger.getLogger(WebhookDeliveries.class);

    static final int BATCH = 500;

    /** The sender's options (see {@link WebhookSenderFactory}). */
    public record Settings(int maxAttempts, int timeoutSeconds, int parallel) {
        public static final Settings DEFAULT = new Settings(8, 5, 8);
    }

    private WebhookDeliveries() {
    }

    /**
     * The wait before attempt {@code attempt + 1} after attempt {@code attempt} failed (1-based), in milliseconds: 5 s,
     * 5 min, 30 min, 2 h, 5 h, then 10 h (the schedule the Standard Webhooks specification gives as an example).
     */
    static long retryWait(int attempt) {
        long[] waits = {5_000L, 300_000L, 1_800_000L, 7_200_000L, 18_000_000L};
        return attempt <= waits.length ? waits[attempt - 1] : 36_000_000L;
    }

    /** Sends what is due now, batch by batch, {@code parallel} at a time. */
    static void drain(KeycloakSessionFactory factory, Settings settings) {
        Set<String> tried = new HashSet<>();
        while (true) {
            List<String> ids = new ArrayList<>(KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    s -> s.getProvider(IncidentStore.class).webhooks().due(Time.currentTimeMillis(), BATCH)));
            // a row that threw stays due and comes back: try each once per drain, so a batch of them cannot spin
            ids.removeIf(id -> !tried.add(id));
            if (ids.isEmpty()) {
                return;
            }
            sendAll(factory, settings, ids);
            if (ids.size() < BATCH) {
                return;
            }
        }
    }

    private static void sendAll(KeycloakSessionFactory factory, Settings settings, List<String> ids) {
        Queue<String> queue = new ConcurrentLinkedQueue<>(ids);
        Runnable worker = () -> {
            for (String id = queue.poll(); id != null; id = queue.poll()) {
                String one = id;
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, s -> sendOne(s, one, settings));
                } catch (RuntimeException e) {
                    LOG.errorf(e, "breach-response: webhook delivery %s could not be processed", one);
                    failAfterError(factory, settings, one, e);
                }
            }
        };
        List<Future<?>> helpers = new ArrayList<>();
        int extra = Math.min(settings.parallel(), ids.size()) - 1;
        if (extra > 0) {
            try (KeycloakSession s = factory.create()) {
                ExecutorService executor = s.getProvider(ExecutorsProvider.class).getExecutor(WebhookSenderFactory.EXECUTOR);
                for (int i = 0; i < extra; i++) {
                    helpers.add(executor.submit(worker));
                }
            } catch (RuntimeException e) {
                LOG.debugf("breach-response: webhook sender helpers not started (%s); sending on one thread", e.toString());
            }
        }
        // this thread works too, so the batch is sent even when the executor runs nothing else
        worker.run();
        for (Future<?> f : helpers) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                LOG.errorf(e.getCause(), "breach-response: a webhook sender helper failed");
            }
        }
    }

    private static void sendOne(KeycloakSession session, String id, Settings settings) {
        Webhooks webhooks = session.getProvider(IncidentStore.class).webhooks();
        Optional<Webhooks.Delivery> locked = webhooks.lock(id);
        long now = Time.currentTimeMillis();
        if (locked.isEmpty() || !due(locked.get(), now)) {
            return; // sent, given up or cancelled meanwhile (another node, or an earlier pass)
        }
        Webhooks.Delivery d = locked.get();
        Optional<Webhooks.Endpoint> endpoint = webhooks.endpoint(d.webhookId());
        if (endpoint.isEmpty() || !endpoint.get().enabled()) {
            webhooks.cancelled(id, "endpoint disabled");
            return;
        }
        Webhooks.Endpoint e = endpoint.get();
        String problem = WebhookTargets.problem(e.url(), e.allowHttp());
        if (problem != null) {
            webhooks.failed(id, null, problem, null);
            BreachMetrics.deliveryAfterCommit(session, BreachMetrics.Delivery.DEAD);
            return;
        }
        String body = e.includeEmail() ? withEmail(session, d) : d.payload();
        long timestamp = System.currentTimeMillis() / 1000;
        Webhooks.Secrets secrets = webhooks.secrets(e.id()).orElseThrow();
        HttpPost post = new HttpPost(URI.create(e.url()));
        int timeout = settings.timeoutSeconds() * 1000;
        post.setConfig(RequestConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).setConnectionRequestTimeout(timeout)
                .setRedirectsEnabled(false).build());
        post.setHeader("webhook-id", d.id());
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", WebhookSigner.header(secrets, now, d.id(), timestamp, body));
        post.setHeader("User-Agent", "keycloak-breach-response/" + BuildInfo.version());
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8)));
        Integer status = null;
        String error;
        try (CloseableHttpResponse response = session.getProvider(HttpClientProvider.class).getHttpClient().execute(post)) {
            status = response.getStatusLine().getStatusCode();
            EntityUtils.consumeQuietly(response.getEntity());
            if (status >= 200 && status < 300) {
                webhooks.delivered(id, status, Time.currentTimeMillis());
                BreachMetrics.deliveryAfterCommit(session, BreachMetrics.Delivery.DELIVERED);
                return;
            }
            error = "HTTP " + status;
        } catch (IOException | IllegalArgumentException ex) {
            // the class and the library's sentence (host and port at most); never the URL's path or query
            error = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        }
        int attempt = d.attempts() + 1;
        Long retryAt = attempt >= settings.maxAttempts() ? null : Time.currentTimeMillis() + retryWait(attempt);
        webhooks.failed(id, status, error, retryAt);
        BreachMetrics.deliveryAfterCommit(session, retryAt == null ? BreachMetrics.Delivery.DEAD : BreachMetrics.Delivery.FAILED);
        LOG.warnf("breach-response: webhook delivery %s to endpoint %s failed (attempt %d of %d%s): %s", id, e.id(), attempt,
                settings.maxAttempts(), retryAt == null ? ", given up" : "", error);
    }

    /**
     * A delivery whose processing threw (rolled back) counts as a failed attempt, in a transaction of its own, so it
     * follows the retry schedule and ends DEAD instead of being retried and logged on every poll.
     */
    private static void failAfterError(KeycloakSessionFactory factory, Settings settings, String id, RuntimeException error) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                Webhooks webhooks = s.getProvider(IncidentStore.class).webhooks();
                webhooks.lock(id).filter(d -> due(d, Time.currentTimeMillis())).ifPresent(d -> {
                    int attempt = d.attempts() + 1;
                    Long retryAt = attempt >= settings.maxAttempts() ? null : Time.currentTimeMillis() + retryWait(attempt);
                    webhooks.failed(id, null, "not processed: " + error.getClass().getSimpleName(), retryAt);
                    BreachMetrics.deliveryAfterCommit(s, retryAt == null ? BreachMetrics.Delivery.DEAD : BreachMetrics.Delivery.FAILED);
                });
            });
        } catch (RuntimeException e) {
            LOG.errorf(e, "breach-response: webhook delivery %s could not be marked failed", id);
        }
    }

    private static boolean due(Webhooks.Delivery d, long now) {
        return d.state() == DeliveryState.PENDING
                || (d.state() == DeliveryState.FAILED && d.nextAttemptAt() != null && d.nextAttemptAt() <= now);
    }

    /** The stored body with the user's current email added to {@code data} (endpoints that opted in). */
    private static String withEmail(KeycloakSession session, Webhooks.Delivery d) {
        if (d.userId() == null) {
            return d.payload();
        }
        RealmModel realm = session.realms().getRealm(d.realmId());
        if (realm == null) {
            return d.payload();
        }
        // Keycloak's user providers read the realm from the session's context
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, d.userId());
        if (user == null || user.getEmail() == null) {
            return d.payload();
        }
        try {
            ObjectNode body = (ObjectNode) JsonSerialization.mapper.readTree(d.payload());
            ((ObjectNode) body.get("data")).put("email", user.getEmail());
            return body.toString();
        } catch (IOException | ClassCastException e) {
            return d.payload();
        }
    }
}
