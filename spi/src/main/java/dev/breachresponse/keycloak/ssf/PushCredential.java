package dev.breachresponse.keycloak.ssf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The push credential of a receiver: a random bearer token (256 bits, base64url) that the transmitter sends as
 * {@code Authorization: Bearer …} (RFC 8935 §2: the receiver authenticates the transmitter). Only its SHA-256 is
 * stored; it is shown once, when made. Compared in constant time.
 */
public final class PushCredential {

    private PushCredential() {
    }

    /** A new credential, to show once. */
    public static String create() {
        return DefaultSsfService.newPushToken();
    }

    /** SHA-256 of the credential, hex: what is stored. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code presented} hashes to {@code storedHash}, in time independent of where they differ. */
    static boolean matches(String presented, String storedHash) {
        if (presented == null || storedHash == null || presented.length() > 512) {
            return false;
        }
        return MessageDigest.isEqual(hash(presented).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
