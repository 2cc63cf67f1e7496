package dev.breachresponse.keycloak.it;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Security Event Token transmitter the test owns (RFC 8417, SSF 1.0 §4): RSA keys with kids, their JWKS, and SETs
 * signed with RS256 by the JDK, plus the wrong tokens the bad-input tests need (alg none, HMAC keyed with the
 * public key).
 */
final class SetSigner {

    static final String CREDENTIAL_COMPROMISE = "https://schemas.openid.net/secevent/risc/event-type/credential-compromise";
    static final String CHANGE_REQUIRED = "https://schemas.openid.net/secevent/risc/event-type/account-credential-change-required";
    static final String ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
    static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    static final String CREDENTIAL_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/credential-change";
    static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";
    static final String STREAM_UPDATED = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";

    record Key(String kid, KeyPair pair) {
    }

    final String issuer;
    final String audience;

    SetSigner(String issuer, String audience) {
        this.issuer = issuer;
        this.audience = audience;
    }

    static Key key(String kid) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return new Key(kid, g.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String jwks(List<Key> keys) {
        ObjectNode set = BreachApi.JSON.createObjectNode();
        ArrayNode a = set.putArray("keys");
        for (Key k : keys) {
            RSAPublicKey pub = (RSAPublicKey) k.pair().getPublic();
            a.addObject().put("kty", "RSA").put("kid", k.kid()).put("use", "sig").put("alg", "RS256")
                    .put("n", b64(unsigned(pub.getModulus()))).put("e", b64(unsigned(pub.getPublicExponent())));
        }
        return set.toString();
    }

    /** The claims of a SET: one event of {@code type} with {@code event} as payload, about {@code subject}. */
    ObjectNode claims(String type, ObjectNode event, ObjectNode subject, long iat) {
        ObjectNode c = BreachApi.JSON.createObjectNode();
        c.put("iss", issuer);
        c.put("aud", audience);
        c.put("iat", iat);
        c.put("jti", UUID.randomUUID().toString());
        if (subject != null) {
            c.set("sub_id", subject);
        }
        c.putObject("events").set(type, event == null ? BreachApi.JSON.createObjectNode() : event);
        return c;
    }

    String set(String type, ObjectNode event, ObjectNode subject, Key key) {
        return sign(claims(type, event, subject, System.currentTimeMillis() / 1000), key);
    }

    static String sign(ObjectNode claims, Key key) {
        return signRaw("{\"alg\":\"RS256\",\"typ\":\"secevent+jwt\",\"kid\":\"" + key.kid() + "\"}", claims.toString(), key);
    }

    static String signRaw(String header, String payload, Key key) {
        try {
            String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(payload.getBytes(StandardCharsets.UTF_8));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key.pair().getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}). */
    static String unsigned(ObjectNode claims) {
        return b64("{\"alg\":\"none\",\"typ\":\"secevent+jwt\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** HS256 keyed with the public key's encoding: the classic confusion attack on RS256 verifiers. */
    static String hmacWithPublicKey(ObjectNode claims, Key key) {
        try {
            String input = b64(("{\"alg\":\"HS256\",\"typ\":\"secevent+jwt\",\"kid\":\"" + key.kid() + "\"}").getBytes(StandardCharsets.UTF_8))
                    + "." + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.pair().getPublic().getEncoded(), "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode email(String email) {
        return BreachApi.JSON.createObjectNode().put("format", "email").put("email", email);
    }

    static ObjectNode issSub(String iss, String sub) {
        return BreachApi.JSON.createObjectNode().put("format", "iss_sub").put("iss", iss).put("sub", sub);
    }

    static ObjectNode event(String... pairs) {
        ObjectNode e = BreachApi.JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            e.put(pairs[i], pairs[i + 1]);
        }
        return e;
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            byte[] t = new byte[b.length - 1];
            System.arraycopy(b, 1, t, 0, t.length);
            return t;
        }
        return b;
    }
}
