package dev.breachresponse.keycloak.ssf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import dev.breachresponse.keycloak.support.Digests;

/**
 * The push credential of a receiver: a random bearer token (256 bits, base64url) that the transmitter sends as
 * {@code Authorization: Bearer …} (RFC 8935 §2: the receiver authenticates the transmitter). Only its SHA-256 is
 * stored; it is shown once, when made. Compared in constant time.
 */
public final class PushCredential {

    private static final SecureRandom RANDOM = new SecureRandom();

    private PushCredential() {
    }

    /** A new credential, to show once. */
    public static String create() {
        return random(32);
    }

    /** SHA-256 of the credential, hex: what is stored. */
    public static String hash(String token) {
        return Digests.sha256Hex(token);
    }

    /** Whether {@code presented} hashes to {@code storedHash}, in time independent of where they differ. */
    static boolean matches(String presented, String storedHash) {
        if (presented == null || storedHash == null || presented.length() > 512) {
            return false;
        }
        return MessageDigest.isEqual(hash(presented).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code bytes} random bytes, base64url without padding (credentials, verification states). */
    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
