package dev.breachresponse.keycloak.webhook;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.impl.client.CloseableHttpClient;
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

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Webhooks;
import dev.breachresponse.keycloak.metrics.BreachMetrics;
import dev.breachresponse.keycloak.support.BuildInfo;
import dev.breachresponse.keycloak.support.BulkActivity;

/**
 * Sends due webhook deliveries (Standard Webhooks) in batches: one transaction locks up to {@link #BATCH} due rows
 * (so two nodes never send the same delivery), prepares each request, POSTs them {@code parallel} at a time and records
 * every result before it commits. Each request is {@code application/json} with {@code webhook-id} (the row's
 * {@code msg_…} id, the same on every attempt), {@code webhook-timestamp} (seconds, the wall clock at sending) and
 * {@code webhook-signature} ({@link WebhookSigner}). A 2xx answer delivers it; anything else, a timeout or a refused
 * connection is FAILED and tried again after {@link #retryWait} until the last attempt makes it DEAD. Redirects are
 * not followed, the response body is read and dropped, and the URL is never logged (its path may be a credential).
 * Per-endpoint order is not promised: requests run in parallel, and a retry comes after later events. While a bulk job
 * runs on this node ({@link BulkActivity}), the sender paces itself ({@link #drain}). A batch that
 * cannot be recorded (the node stops, the database fails) rolls back and is sent again with the same ids.
 */
public final class WebhookDeliveries {

    private static final Logger LOG = Logger.getLogger(WebhookDeliveries.class);

    static final int BATCH = 200;
    /** While a bulk job runs on this node: batches of this size, one request at a time, {@link #PACE_MILLIS} apart. */
    static final int BATCH_WHILE_BULK = 50;
    static final long PACE_MILLIS = 500;

    /** The sender's options (see {@link WebhookSenderFactory}). */
    public record Settings(int maxAttempts, int timeoutSeconds, int parallel) {
        public static final Settings DEFAULT = new Settings(8, 5, 8);
    }

    /** One request ready to send: the delivery, its target and the exact bytes and headers. */
    private record Prepared(Webhooks.Delivery delivery, String endpointId, String url, String body, long timestamp, String signature) {
    }

    /** What one request came back with: a status, or the reason none came. */
    private record Outcome(Integer status, String error) {
        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
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

    /**
     * Sends what is due now, batch by batch, until a batch comes back short. While a bulk job runs on this node
     * ({@link BulkActivity}) it paces itself (at most {@value #BATCH_WHILE_BULK} deliveries per {@value #PACE_MILLIS} ms,
     * one request at a time), so flagging and revocation, which protect accounts, keep the CPU; the backlog then drains
     * at full speed once the job is done.
     */
    static void drain(KeycloakSessionFactory factory, Settings settings) {
        Set<String> tried = new HashSet<>();
        boolean more = true;
        while (more && !Thread.currentThread().isInterrupted()) {
            boolean bulk = BulkActivity.busy();
            int max = bulk ? BATCH_WHILE_BULK : BATCH;
            more = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> sendBatch(s, settings, tried, max));
            if (more && bulk) {
                try {
                    Thread.sleep(PACE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** One transaction: lock a batch, send it, record the results. Returns whether the batch was full (more may be due). */
    private static boolean sendBatch(KeycloakSession session, Settings settings, Set<String> tried, int max) {
        Webhooks webhooks = session.getProvider(IncidentStore.class).webhooks();
        long now = Time.currentTimeMillis();
        List<Webhooks.Delivery> due = webhooks.lockDue(now, max);
        boolean full = due.size() == max;
        // a row that came back within this drain (its batch rolled back) waits for the next kick, so a batch cannot spin
        List<Webhooks.Delivery> batch = due.stream().filter(d -> tried.add(d.id())).toList();
        if (batch.isEmpty()) {
            return false;
        }
        Map<String, Optional<Webhooks.Endpoint>> endpoints = new HashMap<>();
        Map<String, Webhooks.Secrets> secrets = new HashMap<>();
        List<Prepared> ready = new ArrayList<>(batch.size());
        for (Webhooks.Delivery d : batch) {
            Optional<Webhooks.Endpoint> endpoint = endpoints.computeIfAbsent(d.webhookId(), webhooks::endpoint);
            if (endpoint.isEmpty() || !endpoint.get().enabled()) {
                webhooks.cancelled(d.id(), "endpoint disabled");
                continue;
            }
            Webhooks.Endpoint e = endpoint.get();
            String problem = WebhookTargets.problem(e.url(), e.allowHttp());
            if (problem != null) {
                record(session, webhooks, settings, d, e.id(), new Outcome(null, problem), true);
                continue;
            }
            try {
                String body = e.includeEmail() ? withEmail(session, d) : d.payload();
                long timestamp = System.currentTimeMillis() / 1000;
                Webhooks.Secrets keys = secrets.computeIfAbsent(e.id(), id -> webhooks.secrets(id).orElseThrow());
                ready.add(new Prepared(d, e.id(), e.url(), body, timestamp, WebhookSigner.header(keys, now, d.id(), timestamp, body)));
            } catch (RuntimeException ex) {
                LOG.errorf(ex, "breach-response: webhook delivery %s could not be prepared", d.id());
                record(session, webhooks, settings, d, e.id(), new Outcome(null, "not prepared: " + ex.getClass().getSimpleName()), false);
            }
        }
        List<Outcome> outcomes = sendAll(session, settings, ready);
        for (int i = 0; i < ready.size(); i++) {
            Prepared p = ready.get(i);
            record(session, webhooks, settings, p.delivery(), p.endpointId(), outcomes.get(i), false);
        }
        return full;
    }

    /** Records one result: DELIVERED, FAILED with the next attempt's time, or DEAD ({@code final} or the last attempt). */
    private static void record(KeycloakSession session, Webhooks webhooks, Settings settings, Webhooks.Delivery d, String endpointId,
                               Outcome outcome, boolean last) {
        if (outcome.delivered()) {
            webhooks.delivered(d.id(), outcome.status(), Time.currentTimeMillis());
            BreachMetrics.deliveryAfterCommit(session, BreachMetrics.Delivery.DELIVERED);
            return;
        }
        int attempt = d.attempts() + 1;
        Long retryAt = last || attempt >= settings.maxAttempts() ? null : Time.currentTimeMillis() + retryWait(attempt);
        webhooks.failed(d.id(), outcome.status(), outcome.error(), retryAt);
        BreachMetrics.deliveryAfterCommit(session, retryAt == null ? BreachMetrics.Delivery.DEAD : BreachMetrics.Delivery.FAILED);
        LOG.warnf("breach-response: webhook delivery %s to endpoint %s failed (attempt %d of %d%s): %s", d.id(), endpointId, attempt,
                settings.maxAttempts(), retryAt == null ? ", given up" : "", outcome.error());
    }

    /** POSTs the requests, {@code parallel} at a time (this thread is one of the workers); outcomes in the same order. */
    private static List<Outcome> sendAll(KeycloakSession session, Settings settings, List<Prepared> ready) {
        Outcome[] outcomes = new Outcome[ready.size()];
        if (ready.isEmpty()) {
            return List.of();
        }
        CloseableHttpClient client = session.getProvider(HttpClientProvider.class).getHttpClient();
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < ready.size(); i = next.getAndIncrement()) {
                outcomes[i] = post(client, settings, ready.get(i));
            }
        };
        List<Future<?>> helpers = new ArrayList<>();
        // while a bulk job runs on this node, one request at a time: flagging and revocation keep the CPU
        int parallel = BulkActivity.busy() ? 1 : settings.parallel();
        int extra = Math.min(parallel, ready.size()) - 1;
        if (extra > 0) {
            try {
                ExecutorService executor = session.getProvider(ExecutorsProvider.class).getExecutor(WebhookSenderFactory.EXECUTOR);
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
            } catch (ExecutionException e) {
                LOG.errorf(e.getCause(), "breach-response: a webhook sender helper failed");
            }
        }
        List<Outcome> out = new ArrayList<>(ready.size());
        for (Outcome o : outcomes) {
            out.add(o != null ? o : new Outcome(null, "not sent: the sender was interrupted"));
        }
        return out;
    }

    /** One POST; never throws. */
    private static Outcome post(CloseableHttpClient client, Settings settings, Prepared p) {
        HttpPost post = new HttpPost(URI.create(p.url()));
        int timeout = settings.timeoutSeconds() * 1000;
        post.setConfig(RequestConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).setConnectionRequestTimeout(timeout)
                .setRedirectsEnabled(false).build());
        post.setHeader("webhook-id", p.delivery().id());
        post.setHeader("webhook-timestamp", Long.toString(p.timestamp()));
        post.setHeader("webhook-signature", p.signature());
        post.setHeader("User-Agent", "keycloak-breach-response/" + BuildInfo.version());
        post.setEntity(new StringEntity(p.body(), ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8)));
        try (CloseableHttpResponse response = client.execute(post)) {
            int status = response.getStatusLine().getStatusCode();
            EntityUtils.consumeQuietly(response.getEntity());
            return new Outcome(status, status >= 200 && status < 300 ? null : "HTTP " + status);
        } catch (IOException | RuntimeException ex) {
            // the class and the library's sentence (host and port at most); never the URL's path or query
            return new Outcome(null, ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
        }
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
