package dev.breachresponse.keycloak.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.breachresponse.keycloak.incident.WebhookEvent;

/** The pure parts of {@link WebhooksResource}: body parsing and the redacted URL view-realm sees. */
class WebhookRequestsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aUrlIsShownWithoutItsPathOrQuery() {
        assertEquals("https://hooks.chat.example/…", WebhooksResource.redacted("https://hooks.chat.example/services/T0/B0/XXXX"));
        assertEquals("https://siem.example:8443/…", WebhooksResource.redacted("https://siem.example:8443/in?token=abc"));
        assertEquals("https://siem.example/…", WebhooksResource.redacted("https://siem.example?token=abc"));
        assertEquals("https://siem.example/", WebhooksResource.redacted("https://siem.example/"));
        assertEquals("http://127.0.0.1:8500/", WebhooksResource.redacted("http://127.0.0.1:8500"));
    }

    @Test
    void settingsTakeDefaultsAndRefuseWhatIsNotAllowed() throws Exception {
        var s = WebhooksResource.settings(JSON.readTree("{\"url\":\" https://siem.example/in \",\"events\":[\"flag.created\",\"job.finished\",\"flag.created\"]}"));
        assertEquals("https://siem.example/in", s.url(), "trimmed");
        assertEquals(java.util.EnumSet.of(WebhookEvent.FLAG_CREATED, WebhookEvent.JOB_FINISHED), s.events(), "a set: repeats collapse");
        assertEquals(true, s.enabled());
        assertEquals(false, s.allowHttp());
        assertEquals(false, s.includeEmail());
        ApiException e = assertThrows(ApiException.class,
                () -> WebhooksResource.settings(JSON.readTree("{\"url\":\"http://siem.example/in\",\"events\":[\"flag.created\"]}")));
        assertEquals(400, e.status());
        assertEquals("url must use https (http only for a loopback host, or with allowHttp set to true)", e.getMessage());
        assertEquals("http://siem.example/in", WebhooksResource.settings(
                JSON.readTree("{\"url\":\"http://siem.example/in\",\"events\":[\"flag.created\"],\"allowHttp\":true}")).url());
        assertThrows(ApiException.class, () -> WebhooksResource.settings(JSON.readTree("{\"url\":\"https://a.example\",\"events\":[5]}")));
        assertThrows(ApiException.class, () -> WebhooksResource.settings(JSON.readTree("{\"url\":\"https://a.example\",\"events\":\"flag.created\"}")));
        assertThrows(ApiException.class,
                () -> WebhooksResource.settings(JSON.readTree("{\"url\":\"https://a.example\",\"events\":[\"flag.created\"],\"description\":\"" + "x".repeat(256) + "\"}")));
    }
}
