package dev.breachresponse.keycloak.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-1 of a password as 40 upper-case hex digits: the key of the Pwned Passwords corpus and its range API.
 * SHA-1 is what the corpus is published in, not a choice of ours; the digest is compared and dropped, never stored
 * or logged.
 */
final class Sha1Hex {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Sha1Hex() {
    }

    static String of(String password) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** True for exactly 40 hex digits (either case). */
    static boolean valid(CharSequence s) {
        if (s.length() != 40) {
            return false;
        }
        for (int i = 0; i < 40; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
