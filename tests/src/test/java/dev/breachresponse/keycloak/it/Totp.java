package dev.breachresponse.keycloak.it;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s: Keycloak's realm defaults), written here so tests compute real codes. */
final class Totp {

    private Totp() {
    }

    /** Key of a credential imported with {@code secretData {"value": secret}}: the secret's UTF-8 bytes. */
    static byte[] keyOfImported(String secret) {
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Key shown on Keycloak's "configure OTP" page: Base32, grouped with spaces. */
    static byte[] keyOfShown(String base32) {
        String s = base32.replace(" ", "").toUpperCase(Locale.ROOT);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : s.toCharArray()) {
            if (c == '=') {
                break;
            }
            int v = alphabet.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("not base32: " + c);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** The code for the current 30-second step plus {@code stepOffset} (Keycloak accepts one step ahead). */
    static String code(byte[] key, int stepOffset) {
        long step = System.currentTimeMillis() / 1000 / 30 + stepOffset;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int o = h[h.length - 1] & 0xf;
            int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
            return String.format("%06d", bin % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
