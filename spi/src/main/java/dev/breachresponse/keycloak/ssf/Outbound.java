package dev.breachresponse.keycloak.ssf;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.http.Header;
import org.apache.http.NameValuePair;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpDelete;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.message.BasicNameValuePair;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.breachresponse.keycloak.support.HttpDeadline;

/**
 * The receiver's calls to a transmitter (discovery, JWKS, token, stream management, poll) on Keycloak's HTTP client:
 * a deadline for the whole call ({@link HttpDeadline}: redirects never followed), at most {@code maxBytes} of the answer
 * read (a longer one fails), the answer kept only as parsed JSON. Failures are {@link Failed} with a short reason
 * that never holds a credential.
 */
final class Outbound {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A call that did not give a usable answer. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Failed(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        /** The HTTP status, or 0 when none came (network, timeout, too large). */
        int status() {
            return status;
        }
    }

    /** An answer: status and JSON body (null when empty). */
    record Answer(int status, JsonNode body) {
    }

    private final CloseableHttpClient client;
    private final ScheduledExecutorService timer;
    private final int timeoutMillis;

    Outbound(KeycloakSession session, ScheduledExecutorService timer, int timeoutMillis) {
        this.client = session.getProvider(HttpClientProvider.class).getHttpClient();
        this.timer = timer;
        this.timeoutMillis = timeoutMillis;
    }

    Answer get(String url, String bearer, int maxBytes) {
        HttpGet get = new HttpGet(URI.create(url));
        return call(get, bearer, maxBytes);
    }

    Answer postJson(String url, String bearer, JsonNode body, int maxBytes) {
        HttpPost post = new HttpPost(URI.create(url));
        try {
            post.setEntity(new ByteArrayEntity(JSON.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
        } catch (IOException e) {
            throw new Failed(0, "the request could not be written");
        }
        return call(post, bearer, maxBytes);
    }

    Answer postForm(String url, Map<String, String> form, int maxBytes) {
        HttpPost post = new HttpPost(URI.create(url));
        List<NameValuePair> pairs = form.entrySet().stream().map(e -> (NameValuePair) new BasicNameValuePair(e.getKey(), e.getValue())).toList();
        post.setEntity(new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8));
        return call(post, null, maxBytes);
    }

    Answer delete(String url, String bearer) {
        return call(new HttpDelete(URI.create(url)), bearer, 64 * 1024);
    }

    private Answer call(HttpRequestBase request, String bearer, int maxBytes) {
        request.setHeader("Accept", "application/json");
        if (bearer != null) {
            request.setHeader("Authorization", "Bearer " + bearer);
        }
        HttpDeadline deadline = HttpDeadline.start(timer, request, timeoutMillis);
        try (deadline; CloseableHttpResponse response = client.execute(request)) {
            int status = response.getStatusLine().getStatusCode();
            if (status >= 300 && status < 400) {
                Header location = response.getFirstHeader("Location");
                throw new Failed(status, "answered " + status + " (a redirect" + (location == null ? "" : ", not followed") + ")");
            }
            byte[] body = new byte[0];
            if (response.getEntity() != null) {
                try (InputStream in = response.getEntity().getContent()) {
                    body = in.readNBytes(maxBytes + 1);
                }
            }
            if (body.length > maxBytes) {
                throw new Failed(status, "the answer is larger than " + maxBytes + " bytes");
            }
            JsonNode json = null;
            if (body.length > 0) {
                try {
                    json = JSON.readTree(body);
                } catch (IOException e) {
                    if (status < 300) {
                        throw new Failed(status, "the answer is not JSON");
                    }
                }
            }
            return new Answer(status, json);
        } catch (IOException e) {
            throw new Failed(0, deadline.failure(e));
        }
    }
}
