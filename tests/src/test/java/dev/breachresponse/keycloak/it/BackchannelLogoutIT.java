package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * Flagging revokes sessions; a client with an OIDC back-channel logout URL then receives a signed logout token,
 * sent after the job's chunk committed (never inside it), and retried when the client answered an error.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BackchannelLogoutIT {

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    String realm;
    String dev0;
    BreachApi api;
    HttpServer receiver;
    final List<String> received = new CopyOnWriteArrayList<>();
    final AtomicInteger errorsToAnswer = new AtomicInteger();

    @BeforeEach
    void realmWithAClientThatWantsLogouts() throws IOException {
        realm = Realms.newName("bcl");
        dev0 = UUID.randomUUID().toString();
        Realms.create(admin, UUID.randomUUID().toString(), realm, List.of(Realms.user(dev0, "dev0"), Realms.user(null, "dev1")));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/logout", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = errorsToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        ClientRepresentation cli = admin.realm(realm).clients().findByClientId("admin-cli").get(0);
        cli.getAttributes().put("backchannel.logout.url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/logout");
        cli.getAttributes().put("backchannel.logout.session.required", "true");
        admin.realm(realm).clients().get(cli.getId()).update(cli);
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\"]}").status());
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        admin.realm(realm).remove();
    }

    @Test
    void theClientGetsASignedLogoutTokenForTheRevokedSession() throws Exception {
        JsonNode tokens = Realms.passwordGrant(urls.getBase(), realm, "dev0", Realms.PASSWORD, null);
        String sid = payload(tokens.get("access_token").asText()).get("sid").asText();

        JsonNode job = api.awaitJob(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev0\"},{\"username\":\"dev1\"}]}")
                .json().get("id").asText(), Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        assertEquals(1, job.at("/counts/sessionsRevoked").asInt(), job.toString());

        awaitReceived(1);
        String form = received.get(0);
        assertTrue(form.startsWith("logout_token="), form);
        String jwt = URLDecoder.decode(form.substring("logout_token=".length()), StandardCharsets.UTF_8);
        JsonNode claims = payload(jwt);
        assertEquals(dev0, claims.get("sub").asText(), claims.toString());
        assertEquals(sid, claims.get("sid").asText(), "the revoked session");
        assertEquals("admin-cli", claims.get("aud").isArray() ? claims.get("aud").get(0).asText() : claims.get("aud").asText());
        assertEquals(urls.getBase() + "/realms/" + realm, claims.get("iss").asText());
        assertTrue(claims.at("/events").has("http://schemas.openid.net/event/backchannel-logout"), claims.toString());
        assertTrue(claims.get("exp").asLong() - claims.get("iat").asLong() <= 120, "short-lived: " + claims);
        assertTrue(verifies(jwt), "signed with the realm's key");
        assertEquals(400, Realms.refresh(urls.getBase(), realm, tokens.get("refresh_token").asText()).get("_status").asInt(),
                "the session is gone");
        assertEquals(1, received.size(), "dev1 had no session: nothing sent for dev1");
    }

    @Test
    void aClientThatAnsweredAnErrorIsTriedAgainLater() throws Exception {
        errorsToAnswer.set(1);
        Realms.passwordGrant(urls.getBase(), realm, "dev0", Realms.PASSWORD, null);
        JsonNode job = api.awaitJob(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev0\"}]}")
                .json().get("id").asText(), Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", job.get("state").asText(), "the client's error does not touch the job: " + job);
        awaitReceived(1);
        JsonNode failed = awaitLogouts("FAILED", 1);
        assertEquals("admin-cli", failed.get("client").asText(), failed.toString());
        assertEquals(dev0, failed.get("userId").asText());
        assertEquals(1, failed.get("attempts").asInt());
        assertTrue(failed.get("lastError").asText().contains("503"), failed.toString());
        assertTrue(!failed.get("nextAttemptAt").isNull() && failed.get("sentAt").isNull(), failed.toString());
        assertTrue(!failed.toString().contains("127.0.0.1") && !failed.has("claims"), "neither URL nor token claims shown: " + failed);
        // the retry waits a minute; move the server's clock past it, the job poll (10 s) resends
        timeOffSet.set(120);
        awaitReceived(2);
        JsonNode sent = awaitLogouts("SENT", 1);
        assertEquals(2, sent.get("attempts").asInt(), sent.toString());
        JsonNode all = api.get("/logouts").json();
        assertEquals(0, all.at("/counts/FAILED").asInt(), all.toString());
        assertEquals(1, all.at("/counts/SENT").asInt(), all.toString());
        JsonNode first = payload(jwtOf(received.get(0)));
        JsonNode retry = payload(jwtOf(received.get(1)));
        assertEquals(first.get("sid"), retry.get("sid"), "the same session");
        assertTrue(!first.get("jti").equals(retry.get("jti")) && retry.get("iat").asLong() > first.get("iat").asLong(),
                "a fresh token for the retry: " + retry);
    }

    @Test
    void logoutsNeedViewUsersAndAKnownState() {
        assertEquals(400, api.get("/logouts?state=LOST").status());
        assertEquals(400, api.get("/logouts?max=0").status());
        assertEquals(401, new BreachApi(urls.getBase(), realm, () -> null).get("/logouts").status());
        String token = Realms.passwordGrant(urls.getBase(), realm, "dev1", Realms.PASSWORD, null).get("access_token").asText();
        assertEquals(403, new BreachApi(urls.getBase(), realm, () -> token).get("/logouts").status(), "a user without view-users");
        JsonNode none = api.get("/logouts").json();
        assertEquals(0, none.get("logouts").size(), none.toString());
    }

    /** Waits until the realm's logouts in {@code state} number {@code n} (the sender records after the client answered). */
    private JsonNode awaitLogouts(String state, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        JsonNode page = api.get("/logouts?state=" + state).json();
        // the counts and the page are two reads: a row the sender records between them shows in one only, so wait
        // until both agree
        while ((page.get("logouts").size() < n || page.at("/counts/" + state).asInt() != n) && System.nanoTime() < end) {
            Thread.sleep(100);
            page = api.get("/logouts?state=" + state).json();
        }
        assertEquals(n, page.get("logouts").size(), page.toString());
        assertEquals(n, page.at("/counts/" + state).asInt(), page.toString());
        return page.get("logouts").get(0);
    }

    private void awaitReceived(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (received.size() < n && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertTrue(received.size() >= n, "the client received " + received.size() + " back-channel logouts, expected " + n);
    }

    private static String jwtOf(String form) {
        return URLDecoder.decode(form.substring("logout_token=".length()), StandardCharsets.UTF_8);
    }

    private static JsonNode payload(String jwt) {
        return BreachApi.jwtPayload(jwt);
    }

    /** Checks an RS256 signature against the realm's published keys. */
    private boolean verifies(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        JsonNode header = BreachApi.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("RS256", header.get("alg").asText(), header.toString());
        HttpResponse<String> certs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(urls.getBase() + "/realms/" + realm + "/protocol/openid-connect/certs")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode key : BreachApi.JSON.readTree(certs.body()).get("keys")) {
            if (!header.get("kid").asText().equals(key.get("kid").asText())) {
                continue;
            }
            PublicKey pk = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").asText())),
                    new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e").asText()))));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initVerify(pk);
            sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return sig.verify(Base64.getUrlDecoder().decode(parts[2]));
        }
        return false;
    }
}
