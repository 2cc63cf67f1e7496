package dev.breachresponse.keycloak.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The realm's notice text as a message parameter: no character that starts a tag or an entity survives. */
class NoticeMessageTextTest {

    @Test
    void neitherATagNorAnEntityCanForm() {
        String text = BreachStepUpAuthenticator.plain("Call <a href=\"https://evil.example/\">here</a> &lt;b&gt; &#60;i&#62; &#x3c;u&#x3e; 1234");
        assertFalse(text.contains("<") || text.contains(">") || text.contains("&"), text);
        assertEquals("Call \u2039a href=\"https://evil.example/\"\u203ahere\u2039/a\u203a \uff06lt;b\uff06gt; \uff06#60;i\uff06#62; \uff06#x3c;u\uff06#x3e; 1234", text);
    }

    @Test
    void plainTextIsKept() {
        assertEquals("Questions? Call the service desk on 1234, ext. 5 (24/7).",
                BreachStepUpAuthenticator.plain("Questions? Call the service desk on 1234, ext. 5 (24/7)."));
    }
}
