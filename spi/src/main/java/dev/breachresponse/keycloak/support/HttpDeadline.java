package dev.breachresponse.keycloak.support;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.HttpRequestBase;

/**
 * A whole-call deadline for an outbound request on Keycloak's Apache HTTP client (webhook deliveries, range-API
 * lookups): connect, pool and socket timeouts alone let a slow answer run on, so a timer aborts the request when the
 * time is up. Redirects are never followed. Close it when the call is over.
 */
public final class HttpDeadline implements AutoCloseable {

    private final AtomicBoolean passed = new AtomicBoolean();
    private final ScheduledFuture<?> abort;

    private HttpDeadline(ScheduledExecutorService timer, HttpRequestBase request, int millis) {
        this.abort = timer.schedule(() -> {
            passed.set(true); // first, so the calling thread reads it once abort() breaks its call
            request.abort();
        }, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Sets the request's timeouts to {@code millis} with redirects off, and schedules its abort after {@code millis}.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the timer has been shut down (the caller is stopping)
     */
    public static HttpDeadline start(ScheduledExecutorService timer, HttpRequestBase request, int millis) {
        request.setConfig(RequestConfig.custom().setConnectTimeout(millis).setSocketTimeout(millis).setConnectionRequestTimeout(millis)
                .setRedirectsEnabled(false).build());
        return new HttpDeadline(timer, request, millis);
    }

    /** Whether the deadline aborted the request (a failure that follows is a timeout). */
    public boolean passed() {
        return passed.get();
    }

    /** {@code "timeout"} when the deadline passed, else {@link HttpFailures#category}. */
    public String failure(Throwable e) {
        return passed() ? "timeout" : HttpFailures.category(e);
    }

    @Override
    public void close() {
        abort.cancel(false);
    }
}
