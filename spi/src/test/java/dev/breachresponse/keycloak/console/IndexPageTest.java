package dev.breachresponse.keycloak.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The console page's configuration in data- attributes: every value HTML-escaped, every placeholder filled. */
class IndexPageTest {

    static final Map<String, String> VALUES = Map.of(
            "realm", "acme",
            "clientId", "breach-response-console",
            "server", "http://localhost:8080",
            "pfCss", "http://localhost:8080/resources/abc/common/keycloak/vendor/patternfly-v5/patternfly.min.css");

    @Test
    void theTemplateCarriesTheConfigurationInDataAttributes() {
        String html = IndexPage.render(ConsoleFiles.indexTemplate(), VALUES);
        assertTrue(html.contains("data-realm=\"acme\""), html);
        assertTrue(html.contains("data-client-id=\"breach-response-console\""), html);
        assertTrue(html.contains("data-server=\"http://localhost:8080\""), html);
        assertTrue(html.contains("data-pf-css=\"" + VALUES.get("pfCss") + "\""), html);
        assertTrue(html.contains("<link rel=\"stylesheet\" href=\"" + VALUES.get("pfCss") + "\">"), html);
        assertFalse(html.contains("{{"), "no placeholder left: " + html);
    }

    @Test
    void aRealmNameCannotLeaveItsAttribute() {
        String html = IndexPage.render("<html data-realm=\"{{realm}}\">", Map.of("realm", "a\"><script>alert(1)</script>&'"));
        assertEquals("<html data-realm=\"a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;\">", html);
    }

    @Test
    void aPlaceholderWithoutValueIsAnError() {
        assertThrows(IllegalStateException.class, () -> IndexPage.render("<p>{{nope}}</p>", Map.of()));
        assertThrows(IllegalStateException.class, () -> IndexPage.render("<p>{{open</p>", Map.of()));
    }
}
