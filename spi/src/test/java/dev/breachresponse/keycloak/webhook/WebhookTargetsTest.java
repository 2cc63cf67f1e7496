package dev.breachresponse.keycloak.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import dev.breachresponse.keycloak.support.HttpFailures;

class WebhookTargetsTest {

    @Test
    void httpsAnywhere() {
        assertNull(WebhookTargets.problem("https://siem.example.com/hooks/keycloak?src=kc", false));
    }

    @Test
    void httpOnlyForLoopbackOrWhenAllowed() {
        assertNull(WebhookTargets.problem("http://127.0.0.1:8500/hook", false));
        assertNull(WebhookTargets.problem("http://localhost/hook", false));
        assertNull(WebhookTargets.problem("http://[::1]:9000/hook", false));
        assertEquals("url must use https (http only for a loopback host, or with allowHttp set to true)",
                WebhookTargets.problem("http://siem.example.com/hook", false));
        assertEquals("url must use https (http only for a loopback host, or with allowHttp set to true)",
                WebhookTargets.problem("http://127.0.0.1.example.com/hook", false), "a name that starts like a loopback address");
        assertNull(WebhookTargets.problem("http://siem.internal/hook", true));
    }

    @Test
    void refused() {
        assertEquals("url is required", WebhookTargets.problem(" ", false));
        assertEquals("url must use https", WebhookTargets.problem("ftp://example.com/x", false));
        assertEquals("url must be an absolute http(s) URL with a host", WebhookTargets.problem("/relative", false));
        assertEquals("url must be an absolute http(s) URL with a host", WebhookTargets.problem("https:///nohost", false));
        assertEquals("url must not hold user info (user:password@)", WebhookTargets.problem("https://u:p@example.com/", false));
        assertEquals("url must not have a fragment", WebhookTargets.problem("https://example.com/#x", false));
        assertEquals("url is not a valid URI", WebhookTargets.problem("https://exa mple.com/", false));
        assertEquals("url is longer than 2048 characters", WebhookTargets.problem("https://example.com/" + "a".repeat(2048), false));
    }

    @Test
    void failedAttemptsAreKeptAsCategoriesWithoutAddresses() {
        assertEquals("timeout", HttpFailures.category(new java.net.SocketTimeoutException("Read timed out")));
        assertEquals("timeout", HttpFailures.category(new org.apache.http.conn.ConnectTimeoutException("Connect to 10.0.0.7:443 timed out")));
        assertEquals("connection refused", HttpFailures.category(new java.net.ConnectException("Connection refused")));
        assertEquals("unknown host", HttpFailures.category(new java.net.UnknownHostException("internal.example")));
        assertEquals("TLS error", HttpFailures.category(new javax.net.ssl.SSLHandshakeException("PKIX path building failed")));
        assertEquals("I/O error", HttpFailures.category(new java.io.IOException("10.0.0.7:22 said SSH-2.0")));
    }

    @Test
    void retriesWaitLongerEachTime() {
        long previous = 0;
        for (int attempt = 1; attempt <= 8; attempt++) {
            long wait = WebhookDeliveries.retryWait(attempt);
            assertEquals(true, wait >= previous, "attempt " + attempt);
            previous = wait;
        }
        assertEquals(5_000L, WebhookDeliveries.retryWait(1));
        assertEquals(36_000_000L, WebhookDeliveries.retryWait(7));
    }
}
