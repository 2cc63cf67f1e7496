package dev.breachresponse.keycloak.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.breachresponse.keycloak.incident.Webhooks;

/**
 * Signatures of the Standard Webhooks specification ("Signature scheme", symmetric {@code v1}): the signed content is
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, signed with HMAC-SHA256 under the secret's key; the
 * {@code webhook-signature} header holds {@code v1,<base64 signature>}, several of them space-separated while a
 * rotated-out secret is still valid. Secrets are {@code whsec_} and the base64 of 32 random bytes (the specification
 * asks for 24 to 64).
 */
public final class WebhookSigner {

    /** The prefix of a secret as shown to admins and receivers. */
    public static final String PREFIX = "whsec_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSigner() {
    }

    /** A new secret: {@code whsec_} + base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * {@code v1,<base64 HMAC-SHA256>} of {@code msgId.timestamp.body} under the key of {@code secret}.
     *
     * @param secret    {@code whsec_…} (the prefix is optional, as the specification's libraries accept)
     * @param timestamp seconds since the epoch, as sent in {@code webhook-timestamp}
     * @throws IllegalArgumentException when the secret is not base64
     */
    public static String sign(String secret, String msgId, long timestamp, String body) {
        String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        byte[] key = Base64.getDecoder().decode(b64);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((msgId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * The {@code webhook-signature} header: the current secret's signature, then the previous secret's while it is
     * valid at {@code nowMillis} (so a receiver that has not switched yet still verifies).
     */
    public static String header(Webhooks.Secrets secrets, long nowMillis, String msgId, long timestamp, String body) {
        List<String> sigs = new ArrayList<>(2);
        sigs.add(sign(secrets.current(), msgId, timestamp, body));
        if (secrets.previous() != null && secrets.previousUntil() != null && secrets.previousUntil() > nowMillis) {
            sigs.add(sign(secrets.previous(), msgId, timestamp, body));
        }
        return String.join(" ", sigs);
    }
}
