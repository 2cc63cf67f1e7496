package dev.breachresponse.keycloak.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

import dev.breachresponse.keycloak.incident.Webhooks;

/**
 * Our Standard Webhooks signatures against the specification's published test vector and against its reference
 * library ({@code com.standardwebhooks:standardwebhooks}), which verifies what we send.
 */
class WebhookSignerTest {

    // the test vector of the specification's reference libraries (libraries/*/ tests: "sign works")
    static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long VECTOR_TS = 1614265330L;
    static final String VECTOR_BODY = "{\"test\": 2432232314}";
    static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void theSpecificationsTestVector() {
        assertEquals(VECTOR_SIGNATURE, WebhookSigner.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TS, VECTOR_BODY));
        assertEquals(VECTOR_SIGNATURE, WebhookSigner.sign(VECTOR_SECRET.substring(WebhookSigner.PREFIX.length()), VECTOR_ID, VECTOR_TS,
                VECTOR_BODY), "the prefix is optional");
    }

    @Test
    void aChangedByteChangesTheSignature() {
        assertNotEquals(VECTOR_SIGNATURE, WebhookSigner.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TS, "{\"test\": 2432232315}"));
        assertNotEquals(VECTOR_SIGNATURE, WebhookSigner.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TS + 1, VECTOR_BODY));
        assertNotEquals(VECTOR_SIGNATURE, WebhookSigner.sign(VECTOR_SECRET, "msg_other", VECTOR_TS, VECTOR_BODY));
    }

    @Test
    void newSecretsAreThirtyTwoRandomBytes() {
        String a = WebhookSigner.newSecret();
        String b = WebhookSigner.newSecret();
        assertTrue(a.startsWith("whsec_"), a);
        assertEquals(32, Base64.getDecoder().decode(a.substring(6)).length);
        assertNotEquals(a, b);
    }

    @Test
    void theReferenceLibraryVerifiesOurHeaderWithEitherSecretDuringRotation() throws Exception {
        String current = WebhookSigner.newSecret();
        String previous = WebhookSigner.newSecret();
        long now = System.currentTimeMillis();
        long ts = now / 1000;
        String body = "{\"type\":\"flag.created\",\"data\":{\"userId\":\"u1\"}}";
        String header = WebhookSigner.header(new Webhooks.Secrets(current, previous, now + 60_000), now, "msg_1", ts, body);
        assertEquals(2, header.split(" ").length, header);
        Map<String, List<String>> headers = Map.of("webhook-id", List.of("msg_1"), "webhook-timestamp", List.of(Long.toString(ts)),
                "webhook-signature", List.of(header));
        assertDoesNotThrow(() -> new Webhook(current).verify(body, headers));
        assertDoesNotThrow(() -> new Webhook(previous).verify(body, headers), "a receiver not yet switched still verifies");
        assertThrows(WebhookVerificationException.class, () -> new Webhook(WebhookSigner.newSecret()).verify(body, headers));
        assertThrows(WebhookVerificationException.class, () -> new Webhook(current).verify(body + " ", headers));
    }

    @Test
    void anExpiredPreviousSecretNoLongerSigns() {
        long now = System.currentTimeMillis();
        String header = WebhookSigner.header(new Webhooks.Secrets(VECTOR_SECRET, WebhookSigner.newSecret(), now), now, VECTOR_ID, VECTOR_TS,
                VECTOR_BODY);
        assertEquals(VECTOR_SIGNATURE, header);
    }
}
