package dev.breachresponse.keycloak.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Plain-HTTP client of the extension's admin API, so tests see exactly what an incident tool sees. */
public final class BreachApi {

    public static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;
    private final String realm;
    private final Supplier<String> token;

    /** @param token supplies a bearer token, or null for none */
    public BreachApi(String baseUrl, String realm, Supplier<String> token) {
        this.baseUrl = baseUrl;
        this.realm = realm;
        this.token = token;
    }

    public record Reply(int status, String body, HttpResponse<String> raw) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public String url(String path) {
        return baseUrl + "/admin/realms/" + realm + "/breach-response" + path;
    }

    public Reply get(String path) {
        return send(builder(path).GET());
    }

    public Reply delete(String path) {
        return send(builder(path).DELETE());
    }

    public Reply postJson(String path, String body) {
        return send(builder(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply post(String path, String contentType, String body) {
        HttpRequest.Builder b = builder(path);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Any method with one extra header, e.g. Idempotency-Key. */
    public Reply send(String method, String path, String contentType, String body, String header, String value) {
        HttpRequest.Builder b = builder(path).header(header, value);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply putJson(String path, String body) {
        return send(builder(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply put(String path) {
        return send(builder(path).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * TEST ONLY: {@code POST /realms/{realm}/br-test-writers/incidents/{incident}/users/{userId}/{writer}}, the
     * test-only endpoint of {@link FlagWritersFactory} that calls the store method one writer of the product calls
     * ({@code step-up}, {@code remediate}, {@code reopen}, {@code escalate}, …) on that user's flag.
     */
    public Reply testWriter(String incident, String userId, String writer) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm + "/" + FlagWritersFactory.ID + "/incidents/"
                + incident + "/users/" + userId + "/" + writer)).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The claims of a JWT (not verified: tests read what the server issued). */
    public static JsonNode jwtPayload(String jwt) {
        try {
            return JSON.readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Polls a bulk job every 100 ms until it leaves QUEUED/RUNNING; fails on timeout or when the job does not exist. */
    public JsonNode awaitJob(String jobId, Duration timeout) {
        return awaitJob(jobId, timeout, Duration.ofMillis(100));
    }

    /**
     * Polls a bulk job every {@code interval} until it leaves QUEUED/RUNNING; fails on timeout or when the job does not
     * exist. Each poll costs the server a bearer-token check and a job read (benchmarks poll rarely and take the end
     * from the job's {@code finishedAt}).
     */
    public JsonNode awaitJob(String jobId, Duration timeout, Duration interval) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job;
        do {
            job = get("/jobs/" + jobId).json();
            if (!job.has("state")) {
                throw new AssertionError("no job " + jobId + ": " + job);
            }
            if (!job.get("state").asText().matches("QUEUED|RUNNING")) {
                return job;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job did not finish within " + timeout + ": " + job);
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        String t = token == null ? null : token.get();
        if (t != null) {
            b.header("Authorization", "Bearer " + t);
        }
        return b;
    }

    private static Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new AssertionError("HTTP call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
