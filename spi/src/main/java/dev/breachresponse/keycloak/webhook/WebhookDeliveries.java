package dev.breachresponse.keycloak.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.http.HttpEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.util.EntityUtils;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.httpclient.HttpClientProvider;
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
import dev.breachresponse.keycloak.support.HttpDeadline;
import dev.breachresponse.keycloak.support.BulkActivity;

/**
 * Sends due webhook deliveries (Standard Webhooks) in batches, with no database transaction open while it waits on
 * the network: a short transaction claims up to {@link #BATCH} due rows for this node (SENDING, with a lease) and
 * prepares their requests; the requests go out {@code parallel} at a time on the sender's own threads; a second short
 * transaction records every answer (only for rows still claimed by this node). Each request is {@code application/json}
 * with {@code webhook-id} (the row's {@code msg_…} id, the same on every attempt), {@code webhook-timestamp} (seconds,
 * the wall clock when it is sent) and {@code webhook-signature} ({@link WebhookSigner}, computed then). A 2xx answer
 * delivers it; anything else is FAILED and tried again after {@link #retryWait} until the last attempt makes it DEAD.
 * Each attempt is bounded: connect and read timeouts, an overall deadline of {@code timeout-seconds} after which the
 * request is aborted, and at most {@value #MAX_ANSWER_BYTES} bytes of the answer are read (then dropped). Redirects
 * are not followed. The URL is never logged and errors are kept as categories (no addresses). Per-endpoint order is
 * not promised. A node that stops mid-batch leaves its rows SENDING until the lease runs out; they are then due again
 * and sent with the same ids. While a bulk job runs on this node ({@link BulkActivity}) the sender paces itself.
 */
public final class WebhookDeliveries {

    private static final Logger LOG = Logger.getLogger(WebhookDeliveries.class);

    static final int BATCH = 200;
    /** While a bulk job runs on this node: batches of this size, one request at a time, {@link #PACE_MILLIS} apart. */
    static final int BATCH_WHILE_BULK = 50;
    static final long PACE_MILLIS = 500;
    /** What is read of an answer before it is dropped; a longer answer is cut off (the connection is not reused). */
    static final int MAX_ANSWER_BYTES = 4096;

    /** The sender's options (see {@link WebhookSenderFactory}). */
    public record Settings(int maxAttempts, int timeoutSeconds, int parallel) {
        public static final Settings DEFAULT = new Settings(8, 5, 8);
    }

    /** The sender's threads (owned by its factory): {@code pool} sends, {@code timer} aborts attempts past their deadline. */
    record Threads(ExecutorService pool, ScheduledExecutorService timer) {
    }

    /** One request ready to send: the delivery, its target, its body and the endpoint's secrets (signed when sent). */
    private record Prepared(Webhooks.Delivery delivery, String endpointId, String url, String body, Webhooks.Secrets secrets) {
    }

    /** What one attempt came back with: a status, or the category of the reason none came. */
    record Outcome(Integer status, String error) {
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
     * Sends what is due now, batch by batch, until a batch comes back short and nothing is staged; before each batch it
     * expands one staged row (a bulk chunk's events for one endpoint) into delivery rows. While a bulk job runs on this
     * node ({@link BulkActivity}) it expands nothing and paces itself (at most {@value #BATCH_WHILE_BULK} deliveries per
     * {@value #PACE_MILLIS} ms, one request at a time), so flagging and revocation, which protect accounts, keep the
     * CPU and the database; the backlog then drains at full speed once the job is done (the job runner wakes the
     * sender when it ends).
     */
    static void drain(KeycloakSessionFactory factory, Settings settings, Threads threads, String owner) {
        boolean more = true;
        while (more && !Thread.currentThread().isInterrupted() && !threads.pool().isShutdown()) {
            boolean bulk = BulkActivity.busy();
            int max = bulk ? BATCH_WHILE_BULK : BATCH;
            int parallel = bulk ? 1 : settings.parallel();
            // a bulk job's staged events wait while a job runs here (expanding them is the writing the job saved)
            boolean staged = !bulk && expandOne(factory);
            more = sendBatch(factory, settings, threads, owner, max, parallel) || staged;
            if (more && bulk) {
                try {
                    Thread.sleep(PACE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Staged rows that failed to expand on this node, with the number of drains they failed in. */
    private static final Map<String, Integer> EXPAND_FAILURES = new ConcurrentHashMap<>();
    /** Drains in a row a staged row may fail to expand in (a deadlock, a timeout) before it is parked. */
    static final int EXPAND_TRIES = 3;

    /**
     * Expands the oldest staged row, if any, into delivery rows; returns whether there was one to take (another sender
     * may have taken it meanwhile: then there may be more). A failure is logged (a warning,
     * with the row's id and the exception's class and SQL state, never its message, which may quote a payload) and the
     * row is left for the next drain (woken within the job poll's interval), while this drain goes on sending; a row
     * that failed in {@value #EXPAND_TRIES} drains is parked (its events DEAD, counted in the DEAD deliveries metric),
     * so that the rows behind it flow.
     */
    private static boolean expandOne(KeycloakSessionFactory factory) {
        String id = null;
        try {
            id = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    s -> s.getProvider(IncidentStore.class).webhooks().oldestStaged()).orElse(null);
            if (id == null) {
                return false;
            }
            String staged = id;
            KeycloakModelUtils.runJobInTransaction(factory, s -> s.getProvider(IncidentStore.class).webhooks().expandStaged(staged));
            EXPAND_FAILURES.remove(id);
            return true;
        } catch (RuntimeException e) {
            if (id == null) {
                LOG.warnf("breach-response: reading the staged webhook events failed (%s)", describe(e));
                return false;
            }
            int failures = EXPAND_FAILURES.merge(id, 1, Integer::sum);
            if (failures < EXPAND_TRIES) {
                LOG.warnf("breach-response: staged webhook events %s could not be expanded (%s, %d of %d tries)", id, describe(e), failures,
                        EXPAND_TRIES);
                return false;
            }
            EXPAND_FAILURES.remove(id);
            String parked = id;
            try {
                long dead = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                    long n = s.getProvider(IncidentStore.class).webhooks().parkStaged(parked);
                    BreachMetrics.deliveriesAfterCommit(s, BreachMetrics.Delivery.DEAD, n);
                    return n;
                });
                LOG.errorf("breach-response: staged webhook events %s could not be expanded (%s); %d parked as DEAD until the endpoint's"
                        + " deliveries are retried", id, describe(e), dead);
            } catch (RuntimeException again) {
                LOG.errorf("breach-response: staged webhook events %s could not be expanded (%s) nor parked (%s)", id, describe(e),
                        describe(again));
            }
            return false;
        }
    }

    /** An exception as its class and, for a database error, its SQL state: never its message (which may quote values). */
    static String describe(Throwable e) {
        String sqlState = null;
        for (Throwable t = e; t != null && sqlState == null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                sqlState = sql.getSQLState();
            }
        }
        return e.getClass().getName() + (sqlState == null ? "" : ", SQL state " + sqlState);
    }

    /** Claims, sends and records one batch. Returns whether the batch was full (more may be due). */
    private static boolean sendBatch(KeycloakSessionFactory factory, Settings settings, Threads threads, String owner, int max, int parallel) {
        long now = Time.currentTimeMillis();
        // the lease covers the whole batch sent one wave of `parallel` after another, each within its deadline
        long lease = now + (long) ((max + parallel - 1) / parallel) * (settings.timeoutSeconds() + 1) * 1000L + 60_000L;
        // the claim commits alone (short: no lock waits behind preparing or sending); preparing reads in a transaction of its own
        List<Webhooks.Delivery> batch = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                s -> s.getProvider(IncidentStore.class).webhooks().claim(owner, now, lease, max));
        if (batch.isEmpty()) {
            return false;
        }
        List<Prepared> ready = new ArrayList<>();
        KeycloakModelUtils.runJobInTransaction(factory, s -> prepare(s, settings, owner, batch, ready));
        CloseableHttpClient client;
        try (KeycloakSession s = factory.create()) {
            // Keycloak's shared client (its truststore, proxies and pool); it outlives the session that hands it out
            client = s.getProvider(HttpClientProvider.class).getHttpClient();
        }
        List<Outcome> outcomes = sendAll(settings, threads, client, ready, parallel);
        // recorded in id order (the order other writers lock rows in); tried once more if the database hiccups, since a
        // lost record means the whole batch is sent again when its lease runs out
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ready.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> ready.get(a).delivery().id().compareTo(ready.get(b).delivery().id()));
        for (int tries = 1; ; tries++) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, s -> {
                    Webhooks webhooks = s.getProvider(IncidentStore.class).webhooks();
                    for (int i : order) {
                        Prepared p = ready.get(i);
                        record(s, webhooks, settings, owner, p.delivery(), p.endpointId(), outcomes.get(i), false);
                    }
                });
                break;
            } catch (RuntimeException e) {
                if (tries >= 2) {
                    throw e;
                }
                LOG.warnf("breach-response: recording a webhook batch failed (%s); trying once more", describe(e));
            }
        }
        return batch.size() == max;
    }

    /** Prepares the claimed rows' requests (endpoint, email, secrets); rows that cannot be sent are recorded at once. */
    private static void prepare(KeycloakSession session, Settings settings, String owner, List<Webhooks.Delivery> batch, List<Prepared> ready) {
        Webhooks webhooks = session.getProvider(IncidentStore.class).webhooks();
        Map<String, Optional<Webhooks.Endpoint>> endpoints = new HashMap<>();
        Map<String, Webhooks.Secrets> secrets = new HashMap<>();
        for (Webhooks.Delivery d : batch) {
            Optional<Webhooks.Endpoint> endpoint = endpoints.computeIfAbsent(d.webhookId(), webhooks::endpoint);
            if (endpoint.isEmpty() || !endpoint.get().enabled()) {
                webhooks.cancelled(owner, d.id(), endpoint.isEmpty() ? "endpoint removed" : "endpoint disabled");
                continue;
            }
            Webhooks.Endpoint e = endpoint.get();
            String problem = WebhookTargets.problem(e.url(), e.allowHttp());
            if (problem != null) {
                record(session, webhooks, settings, owner, d, e.id(), new Outcome(null, problem), true);
                continue;
            }
            try {
                String body = e.includeEmail() ? withEmail(session, d) : d.payload();
                ready.add(new Prepared(d, e.id(), e.url(), body, secrets.computeIfAbsent(e.id(), id -> webhooks.secrets(id).orElseThrow())));
            } catch (RuntimeException ex) {
                LOG.errorf(ex, "breach-response: webhook delivery %s could not be prepared", d.id());
                record(session, webhooks, settings, owner, d, e.id(), new Outcome(null, "not prepared"), false);
            }
        }
    }

    /** Records one result: DELIVERED, FAILED with the next attempt's time, or DEAD ({@code last} or the last attempt). */
    private static void record(KeycloakSession session, Webhooks webhooks, Settings settings, String owner, Webhooks.Delivery d,
                               String endpointId, Outcome outcome, boolean last) {
        if (outcome == NOT_SENT) {
            webhooks.release(owner, d.id());
            return;
        }
        if (outcome.delivered()) {
            if (webhooks.delivered(owner, d.id(), outcome.status(), Time.currentTimeMillis())) {
                BreachMetrics.deliveryAfterCommit(session, BreachMetrics.Delivery.DELIVERED);
            }
            return;
        }
        int attempt = d.attempts() + 1;
        Long retryAt = last || attempt >= settings.maxAttempts() ? null : Time.currentTimeMillis() + retryWait(attempt);
        if (webhooks.failed(owner, d.id(), outcome.status(), outcome.error(), retryAt)) {
            BreachMetrics.deliveryAfterCommit(session, retryAt == null ? BreachMetrics.Delivery.DEAD : BreachMetrics.Delivery.FAILED);
            LOG.warnf("breach-response: webhook delivery %s to endpoint %s failed (attempt %d of %d%s): %s", d.id(), endpointId, attempt,
                    settings.maxAttempts(), retryAt == null ? ", given up" : "", outcome.error());
        }
    }

    /** POSTs the requests, {@code parallel} at a time on the sender's pool (this thread is one of the workers); outcomes in order. */
    private static List<Outcome> sendAll(Settings settings, Threads threads, CloseableHttpClient client, List<Prepared> ready, int parallel) {
        if (ready.isEmpty()) {
            return List.of();
        }
        Outcome[] outcomes = new Outcome[ready.size()];
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < ready.size(); i = next.getAndIncrement()) {
                outcomes[i] = post(client, settings, threads.timer(), ready.get(i));
            }
        };
        List<Future<?>> helpers = new ArrayList<>();
        for (int i = 0; i < Math.min(parallel, ready.size()) - 1; i++) {
            try {
                helpers.add(threads.pool().submit(worker));
            } catch (RuntimeException e) {
                LOG.debugf("breach-response: webhook sender helper not started (%s)", e.toString());
                break;
            }
        }
        // this thread works too, so the batch is sent even when the pool runs nothing else
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
            out.add(o != null ? o : NOT_SENT);
        }
        return out;
    }

    /** One attempt, signed now; never throws. Aborted at its deadline; at most {@value #MAX_ANSWER_BYTES} bytes of the answer read. */
    private static Outcome post(CloseableHttpClient client, Settings settings, ScheduledExecutorService timer, Prepared p) {
        String id = p.delivery().id();
        String body = p.body();
        HttpPost post = new HttpPost(URI.create(p.url()));
        long timestamp = System.currentTimeMillis() / 1000;
        post.setHeader("webhook-id", id);
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", WebhookSigner.header(p.secrets(), Time.currentTimeMillis(), id, timestamp, body));
        post.setHeader("User-Agent", "keycloak-breach-response/" + BuildInfo.version());
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8)));
        HttpDeadline deadline;
        try {
            deadline = HttpDeadline.start(timer, post, settings.timeoutSeconds() * 1000);
        } catch (RejectedExecutionException e) {
            return NOT_SENT; // the sender is shutting down
        }
        CloseableHttpResponse response;
        try {
            response = client.execute(post);
        } catch (IOException | RuntimeException ex) {
            deadline.close();
            return new Outcome(null, deadline.failure(ex));
        }
        // the status decides; what follows (reading a little of the answer, closing) cannot turn it into a failure
        int status = response.getStatusLine().getStatusCode();
        try {
            HttpEntity entity = response.getEntity();
            InputStream in = entity == null ? null : entity.getContent();
            if (in != null && in.readNBytes(MAX_ANSWER_BYTES).length == MAX_ANSWER_BYTES && in.read() >= 0) {
                post.abort(); // a long answer is not read to its end; the connection is not reused
            }
        } catch (IOException | RuntimeException ignored) {
            // the answer's body is not needed
        }
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // after an abort the connection is gone already
        }
        deadline.close();
        return new Outcome(status, status >= 200 && status < 300 ? null : "HTTP " + status);
    }

    /** An attempt that was not made (the sender stopped): the row goes back to be sent later, no attempt counted. */
    static final Outcome NOT_SENT = new Outcome(null, null);

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
