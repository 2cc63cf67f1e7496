package dev.breachresponse.keycloak.ssf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.crypto.KeyWrapper;

/** {@link SetVerifier} on SETs signed here with a real RSA key (RS256), one check at a time. */
class SetVerifierTest {

    private static final String ISS = "https://idp.example.com/realms/upstream";
    private static final String AUD = "https://acme.example.com/ssf";
    private static final long NOW = 1_800_000_000L;
    private static final SetVerifier.Expectation EXPECT = new SetVerifier.Expectation(ISS, AUD, 3600);

    private static KeyPair pair;
    private static KeyPair other;
    private static KeyWrapper key;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        pair = g.generateKeyPair();
        other = g.generateKeyPair();
        key = new KeyWrapper();
        key.setKid("k1");
        key.setType("RSA");
        key.setAlgorithm("RS256");
        key.setPublicKey(pair.getPublic());
    }

    private static final SetVerifier.Keys KEYS = (kid, alg) -> kid == null || "k1".equals(kid) ? key : null;

    private static final SetVerifier.Signatures RSA = (k, alg, data, sig) -> {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify((java.security.PublicKey) k.getPublicKey());
        s.update(data);
        return s.verify(sig);
    };

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sign(String header, String payload, KeyPair with) throws Exception {
        String input = b64(header) + "." + b64(payload);
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(with.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    }

    static String header() {
        return "{\"alg\":\"RS256\",\"typ\":\"secevent+jwt\",\"kid\":\"k1\"}";
    }

    static String payload(String iss, String aud, long iat, String events) {
        return "{\"iss\":\"" + iss + "\",\"aud\":" + aud + ",\"iat\":" + iat + ",\"jti\":\"j-1\",\"txn\":\"t-9\","
                + "\"sub_id\":{\"format\":\"email\",\"email\":\"alice@example.com\"},\"events\":" + events + "}";
    }

    static final String ONE_EVENT = "{\"https://schemas.openid.net/secevent/risc/event-type/credential-compromise\":{\"credential_type\":\"password\"}}";

    private static String rejected(String token) {
        return assertThrows(SetRejected.class, () -> SetVerifier.verify(token, EXPECT, KEYS, RSA, NOW)).err();
    }

    @Test
    void aValidSetGivesItsClaimsEventAndSubject() throws Exception {
        VerifiedSet v = SetVerifier.verify(sign(header(), payload(ISS, "[\"other\",\"" + AUD + "\"]", NOW - 10, ONE_EVENT), pair), EXPECT, KEYS, RSA, NOW);
        assertEquals("j-1", v.jti());
        assertEquals("t-9", v.txn());
        assertEquals(SsfEventTypes.CREDENTIAL_COMPROMISE, v.eventType());
        assertEquals("password", v.event().get("credential_type").asText());
        assertEquals("email", v.subjectFormat());
        assertEquals(NOW - 10, v.iat());
    }

    @Test
    void algNoneAndHmacAreInvalidKeys() throws Exception {
        String p = b64(payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT));
        assertEquals("invalid_key", rejected(b64("{\"alg\":\"none\",\"typ\":\"secevent+jwt\"}") + "." + p + "."));
        assertEquals("invalid_key", rejected(b64("{\"alg\":\"HS256\",\"typ\":\"secevent+jwt\",\"kid\":\"k1\"}") + "." + p + ".c2ln"));
        assertEquals("invalid_key", rejected(b64("{\"typ\":\"secevent+jwt\",\"kid\":\"k1\"}") + "." + p + ".c2ln"), "no alg");
        assertEquals("invalid_key", rejected(b64("{\"alg\":\"ES256K\",\"typ\":\"secevent+jwt\",\"kid\":\"k1\"}") + "." + p + ".c2ln"), "an alg not known");
    }

    @Test
    void theSignatureIsCheckedBeforeAnyClaim() throws Exception {
        // forged with another key and naming a wrong issuer: the signature answers, the claims tell nothing
        assertEquals("invalid_key", rejected(sign(header(), payload("https://evil.example", "\"" + AUD + "\"", NOW, ONE_EVENT), other)));
    }

    @Test
    void aKeyOfAnotherTypeIsRefusedEvenWithoutAnAlgorithm() throws Exception {
        KeyWrapper ec = new KeyWrapper();
        ec.setKid("k1");
        ec.setType("EC");
        ec.setPublicKey(pair.getPublic());
        SetVerifier.Keys ecKeys = (kid, alg) -> ec;
        String token = sign(header(), payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT), pair);
        assertEquals("invalid_key", assertThrows(SetRejected.class, () -> SetVerifier.verify(token, EXPECT, ecKeys, RSA, NOW)).err());
    }

    @Test
    void expiredOverlongJtiNonObjectSubjectAndCritAreInvalidRequests() throws Exception {
        String good = payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT);
        assertEquals("invalid_request", rejected(sign(header(), good.replace("\"iat\":", "\"exp\":" + (NOW - 1) + ",\"iat\":"), pair)));
        assertEquals("invalid_request", rejected(sign(header(), good.replace("\"j-1\"", "\"" + "j".repeat(256) + "\""), pair)));
        assertEquals("invalid_request", rejected(sign(header(), good.replace("{\"format\":\"email\",\"email\":\"alice@example.com\"}", "\"alice\""), pair)));
        assertEquals("invalid_request", rejected(sign("{\"alg\":\"RS256\",\"typ\":\"secevent+jwt\",\"kid\":\"k1\",\"crit\":[\"x\"]}", good, pair)));
    }

    @Test
    void anUnknownKidAnotherKeysSignatureAndATamperedPayloadAreInvalidKeys() throws Exception {
        assertEquals("invalid_key", rejected(sign("{\"alg\":\"RS256\",\"typ\":\"secevent+jwt\",\"kid\":\"gone\"}",
                payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT), pair)));
        assertEquals("invalid_key", rejected(sign(header(), payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT), other)));
        String good = sign(header(), payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT), pair);
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + b64(payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT).replace("j-1", "j-2")) + "." + parts[2];
        assertEquals("invalid_key", rejected(tampered));
        // an EC algorithm named with this RSA key
        assertEquals("invalid_key", rejected(sign("{\"alg\":\"ES256\",\"typ\":\"secevent+jwt\",\"kid\":\"k1\"}",
                payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT), pair)));
    }

    @Test
    void issuerAndAudienceAreChecked() throws Exception {
        assertEquals("invalid_issuer", rejected(sign(header(), payload("https://evil.example", "\"" + AUD + "\"", NOW, ONE_EVENT), pair)));
        assertEquals("invalid_audience", rejected(sign(header(), payload(ISS, "\"https://someone-else\"", NOW, ONE_EVENT), pair)));
        assertEquals("invalid_audience", rejected(sign(header(), payload(ISS, "[]", NOW, ONE_EVENT), pair)));
    }

    @Test
    void iatTooOldOrInTheFutureIsRefused() throws Exception {
        assertEquals("invalid_request", rejected(sign(header(), payload(ISS, "\"" + AUD + "\"", NOW - 3601, ONE_EVENT), pair)));
        assertEquals("invalid_request", rejected(sign(header(), payload(ISS, "\"" + AUD + "\"", NOW + 301, ONE_EVENT), pair)));
    }

    @Test
    void malformedTokensWrongTypAndSeveralEventsAreInvalidRequests() throws Exception {
        assertEquals("invalid_request", rejected("not-a-jwt"));
        assertEquals("invalid_request", rejected("a.b.c.d.e"));
        assertEquals("invalid_request", rejected(""));
        assertEquals("invalid_request", rejected(sign("{\"alg\":\"RS256\",\"kid\":\"k1\"}", payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT), pair)));
        assertEquals("invalid_request", rejected(sign(header(), payload(ISS, "\"" + AUD + "\"", NOW,
                "{\"https://a.example/1\":{},\"https://a.example/2\":{}}"), pair)));
        assertEquals("invalid_request", rejected(sign(header(), "[1,2]", pair)));
        assertEquals("invalid_request", rejected(sign(header(), payload(ISS, "\"" + AUD + "\"", NOW, ONE_EVENT).replace("\"jti\":\"j-1\",", ""), pair)));
    }
}
