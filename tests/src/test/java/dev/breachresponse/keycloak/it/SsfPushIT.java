package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Shared Signals receiver's push path (RFC 8935) against a transmitter this test owns: RSA keys and a JWKS served
 * from the test JVM, SETs signed by the JDK. Each event type does what docs/ssf.md says, subjects map through email,
 * an identity-provider link, aliases and a user attribute, and every kind of bad input is refused with its RFC 8935
 * error while nothing is applied.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class SsfPushIT {

    static final String ISSUER = "https://transmitter.example/realms/upstream";
    static final String AUDIENCE = "https://acme.example/ssf";
    static final String INCIDENT = "ssf-upstream";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String realm;
    BreachApi api;
    HttpServer jwksServer;
    volatile String jwks;
    SetSigner.Key k1 = SetSigner.key("k1");
    SetSigner signer = new SetSigner(ISSUER, AUDIENCE);
    String receiverId;
    String pushUrl;
    String credential;

    @BeforeEach
    void realmReceiverAndKeys() throws IOException {
        realm = Realms.newName("ssf");
        Realms.create(admin, UUID.randomUUID().toString(), realm, List.of(Realms.user(null, "alice"), Realms.user(null, "bob"),
                Realms.user(null, "carol"), Realms.user(null, "viewer"), Realms.user(null, "dev1")));
        RealmRepresentation rep = admin.realm(realm).toRepresentation();
        rep.setAdminEventsEnabled(true);
        rep.setAdminEventsDetailsEnabled(true);
        admin.realm(realm).update(rep);
        jwks = SetSigner.jwks(List.of(k1));
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks", exchange -> {
            byte[] b = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        jwksServer.start();
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        BreachApi.Reply r = api.postJson("/ssf/receivers", "{\"alias\":\"upstream\",\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\"" + jwksUrl()
                + "\",\"audience\":\"" + AUDIENCE + "\",\"delivery\":\"push\",\"disableOnHijacking\":true}");
        assertEquals(201, r.status(), r.toString());
        assertEquals("no-store", r.header("Cache-Control"));
        receiverId = r.json().get("id").asText();
        pushUrl = r.json().get("pushUrl").asText();
        credential = r.json().get("pushCredential").asText();
        assertTrue(pushUrl.endsWith("/realms/" + realm + "/breach-response/ssf/" + receiverId + "/push"), pushUrl);
    }

    @AfterEach
    void stop() {
        jwksServer.stop(0);
        admin.realm(realm).remove();
    }

    String jwksUrl() {
        return "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks";
    }

    record Pushed(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return BreachApi.JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(body, e);
            }
        }

        String err() {
            return json().get("err").asText();
        }
    }

    Pushed push(String url, String contentType, String authorization, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType).header("Accept", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Pushed(r.statusCode(), r.body(), r);
    }

    /** Pushes a SET with the receiver's credential; when it is accepted (202), waits until the inbox has applied it. */
    Pushed push(String set) throws Exception {
        Pushed p = push(pushUrl, "application/secevent+jwt", "Bearer " + credential, set.getBytes(StandardCharsets.US_ASCII));
        if (p.status() == 202) {
            applied();
        }
        return p;
    }

    /** Waits (at most 20 s) until the receiver's inbox is empty: every accepted SET applied and logged. */
    void applied() throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        JsonNode inbox = null;
        while (System.currentTimeMillis() < until) {
            inbox = api.get("/ssf/receivers/" + receiverId + "/status").json().get("inbox");
            if (inbox.get("pending").asLong() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("accepted SETs were not applied within 20 s: " + inbox);
    }

    String userId(String username) {
        return admin.realm(realm).users().searchByUsername(username, true).get(0).getId();
    }

    BreachApi.Reply flagOf(String username) {
        return api.get("/incidents/" + INCIDENT + "/flags/" + userId(username));
    }

    long count(String eventType, String outcome) {
        JsonNode counts = api.get("/ssf/receivers/" + receiverId + "/status").json().get("counts");
        for (JsonNode c : counts) {
            if (c.get("outcome").asText().equals(outcome) && (eventType == null || eventType.equals(c.get("eventType").asText()))) {
                return c.get("count").asLong();
            }
        }
        return 0;
    }

    JsonNode lastEvent() {
        return api.get("/ssf/receivers/" + receiverId + "/events?max=1").json().at("/events/0");
    }

    @Test
    void aCredentialCompromiseFlagsTheUserOnceWithHistoryAdminEventAndLog() throws Exception {
        String set = signer.set(SetSigner.CREDENTIAL_COMPROMISE, SetSigner.event("credential_type", "password"),
                SetSigner.email("alice@example.test"), k1);
        Pushed p = push(set);
        assertEquals(202, p.status(), p.body());
        assertTrue(p.body().isEmpty(), "202 has no body: " + p.body());

        JsonNode flag = flagOf("alice").json();
        assertEquals("FLAGGED", flag.get("state").asText(), flag.toString());
        JsonNode first = flag.get("history").get(0);
        assertEquals("SSF", first.at("/actor/type").asText(), flag.toString());
        assertEquals("upstream", first.at("/actor/id").asText());
        assertTrue(first.get("cause").asText().contains("credential-compromise"), first.toString());
        JsonNode incident = api.get("/incidents/" + INCIDENT).json();
        assertTrue(incident.get("exposedData").toString().contains("password"), incident.toString());

        assertEquals(1, count(SetSigner.CREDENTIAL_COMPROMISE, "APPLIED"));
        JsonNode logged = lastEvent();
        assertEquals("APPLIED", logged.get("outcome").asText());
        assertEquals(userId("alice"), logged.get("userId").asText());
        assertEquals("email", logged.get("subjectFormat").asText());
        assertFalse(api.get("/ssf/receivers/" + receiverId + "/events").body().contains(set.substring(0, 40)), "the token is not kept");
        assertNotNull(api.get("/ssf/receivers/" + receiverId).json().get("lastEventAt").asText(null));
        assertTrue(admin.realm(realm).getAdminEvents().stream().anyMatch(e -> "BREACH_SSF_EVENT".equals(e.getResourceType())
                && e.getRepresentation().contains(userId("alice")) && !e.getRepresentation().contains(set.substring(0, 40))));

        Pushed replay = push(set);
        assertEquals(400, replay.status(), replay.body());
        assertEquals("invalid_request", replay.err());
        assertEquals(1, count(null, "DUPLICATE"));
        assertEquals(1, flagOf("alice").json().get("history").size(), "a replay is not applied again");
    }

    @Test
    void aBurstOfSetsIsAcceptedThenAppliedExactlyOnceEach() throws Exception {
        int n = 40;
        for (int i = 0; i < n; i++) {
            admin.realm(realm).users().create(Realms.user(null, "burst" + i)).close();
        }
        // carol, flagged and then dismissed by an admin before the burst: its SET flags her again
        assertEquals(202, push(signer.set(SetSigner.CREDENTIAL_COMPROMISE, null, SetSigner.email("carol@example.test"), k1)).status());
        assertEquals(200, api.delete("/incidents/" + INCIDENT + "/flags/" + userId("carol") + "?reason=not-ours").status());
        List<String> sets = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) { // each user named by two SETs (two jti)
            sets.add(signer.set(SetSigner.CREDENTIAL_COMPROMISE, SetSigner.event("credential_type", "password"), SetSigner.email("burst" + i + "@example.test"), k1));
            sets.add(signer.set(SetSigner.CREDENTIAL_COMPROMISE, SetSigner.event("credential_type", "password"), SetSigner.email("burst" + i + "@example.test"), k1));
        }
        sets.add(signer.set(SetSigner.CREDENTIAL_COMPROMISE, null, SetSigner.email("carol@example.test"), k1));
        sets.add(signer.set(SetSigner.CREDENTIAL_COMPROMISE, null, SetSigner.email("nobody@example.test"), k1));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Pushed>> answers = new java.util.ArrayList<>();
            for (String set : sets) {
                answers.add(pool.submit(() -> push(pushUrl, "application/secevent+jwt", "Bearer " + credential, set.getBytes(StandardCharsets.US_ASCII))));
            }
            for (java.util.concurrent.Future<Pushed> a : answers) {
                assertEquals(202, a.get().status(), a.get().body());
            }
        } finally {
            pool.shutdownNow();
        }
        applied();

        assertEquals(n + 2, count(SetSigner.CREDENTIAL_COMPROMISE, "APPLIED"), "each user flagged once, carol twice (before and after the dismissal)");
        assertEquals(n, count(SetSigner.CREDENTIAL_COMPROMISE, "RECORDED"), "the second SET of each user: already flagged");
        assertEquals(1, count(SetSigner.CREDENTIAL_COMPROMISE, "NOT_FOUND"));
        for (int i = 0; i < n; i++) {
            JsonNode flag = flagOf("burst" + i).json();
            assertEquals("FLAGGED", flag.get("state").asText(), flag.toString());
            assertEquals(1, flag.get("history").size(), "flagged once: " + flag);
            assertEquals("ssf credential-compromise (password)", flag.at("/history/0/cause").asText(), flag.toString());
        }
        JsonNode carol = flagOf("carol").json();
        assertEquals("FLAGGED", carol.get("state").asText(), carol.toString());
        assertEquals(3, carol.get("history").size(), "flagged, dismissed, flagged again: " + carol);
        assertEquals(0, api.get("/ssf/receivers/" + receiverId + "/status").json().at("/inbox/pending").asLong());
        for (String set : List.of(sets.get(0), sets.get(sets.size() - 1))) {
            assertEquals("invalid_request", push(set).err(), "accepted SETs are in the replay store at once");
        }
    }

    @Test
    void badInputIsRefusedWithItsErrorAndNothingIsApplied() throws Exception {
        ObjectNode bob = SetSigner.email("bob@example.test");
        ObjectNode event = SetSigner.event("credential_type", "password");
        long now = System.currentTimeMillis() / 1000;
        byte[] good = signer.set(SetSigner.CREDENTIAL_COMPROMISE, event, bob, k1).getBytes(StandardCharsets.US_ASCII);

        Pushed noAuth = push(pushUrl, "application/secevent+jwt", null, good);
        assertEquals(401, noAuth.status());
        assertEquals("authentication_failed", noAuth.err());
        assertEquals("Bearer", noAuth.raw().headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, push(pushUrl, "application/secevent+jwt", "Bearer wrong-" + credential, good).status());
        assertEquals(401, push(pushUrl.replace(receiverId, UUID.randomUUID().toString()), "application/secevent+jwt", "Bearer " + credential, good).status(),
                "an unknown receiver answers as a wrong credential");
        assertEquals(415, push(pushUrl, "application/json", "Bearer " + credential, good).status());
        Pushed big = push(pushUrl, "application/secevent+jwt", "Bearer " + credential, new byte[64 * 1024 + 1]);
        assertEquals(413, big.status(), big.body());

        assertEquals("invalid_request", push("not-a-jwt").err());
        assertEquals("invalid_request", push(SetSigner.signRaw("{\"alg\":\"RS256\",\"typ\":\"secevent+jwt\",\"kid\":\"k1\"}", "{not json", k1)).err());
        assertEquals("invalid_key", push(SetSigner.unsigned(signer.claims(SetSigner.CREDENTIAL_COMPROMISE, event, bob, now))).err());
        assertEquals("invalid_key", push(SetSigner.hmacWithPublicKey(signer.claims(SetSigner.CREDENTIAL_COMPROMISE, event, bob, now), k1)).err());
        assertEquals("invalid_key", push(signer.set(SetSigner.CREDENTIAL_COMPROMISE, event, bob, SetSigner.key("k9"))).err(), "unknown kid");
        assertEquals("invalid_key", push(SetSigner.sign(signer.claims(SetSigner.CREDENTIAL_COMPROMISE, event, bob, now),
                new SetSigner.Key("k1", SetSigner.key("x").pair()))).err(), "another key under a known kid");
        assertEquals("invalid_issuer", push(new SetSigner("https://evil.example", AUDIENCE).set(SetSigner.CREDENTIAL_COMPROMISE, event, bob, k1)).err());
        assertEquals("invalid_audience", push(new SetSigner(ISSUER, "https://other.example").set(SetSigner.CREDENTIAL_COMPROMISE, event, bob, k1)).err());
        assertEquals("invalid_request", push(SetSigner.sign(signer.claims(SetSigner.CREDENTIAL_COMPROMISE, event, bob, now - 8 * 86_400), k1)).err(),
                "iat older than maxAgeSeconds (7 days by default)");
        assertEquals("invalid_request", push(SetSigner.sign(signer.claims(SetSigner.CREDENTIAL_COMPROMISE, event, bob, now + 3600), k1)).err(),
                "iat an hour ahead");

        // the transmitter rotates its keys: once the receiver has re-read the JWKS, k1 is no longer accepted
        SetSigner.Key k2 = SetSigner.key("k2");
        jwks = SetSigner.jwks(List.of(k2));
        assertTrue(api.post("/ssf/receivers/" + receiverId + "/keys/refresh", "application/json", "").json().get("refreshed").asBoolean());
        assertEquals("invalid_key", push(new String(good, StandardCharsets.US_ASCII)).err(), "a signature by a rotated-out key");

        BreachApi.Reply disabled = api.putJson("/ssf/receivers/" + receiverId, "{\"alias\":\"upstream\",\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\""
                + jwksUrl() + "\",\"audience\":\"" + AUDIENCE + "\",\"delivery\":\"push\",\"enabled\":false}");
        assertEquals(200, disabled.status(), disabled.toString());
        assertEquals("access_denied", push(signer.set(SetSigner.CREDENTIAL_COMPROMISE, event, bob, k2)).err());

        assertEquals(404, flagOf("bob").status(), "nothing was applied");
        assertEquals(0, api.get("/incidents/" + INCIDENT + "/flags").json().size(), "the receiver's incident (made with it) has no flag");
        assertEquals(0, count(null, "APPLIED"));
        assertEquals(11, count(null, "REFUSED"), "each refused SET is in the log (401, 415 and 413 come before the SET is read)");
        assertEquals("invalid_key", lastEvent().get("err").asText());

        BreachApi.Reply enabled = api.putJson("/ssf/receivers/" + receiverId, "{\"alias\":\"upstream\",\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\""
                + jwksUrl() + "\",\"audience\":\"" + AUDIENCE + "\",\"delivery\":\"push\"}");
        assertEquals(200, enabled.status(), enabled.toString());
        assertEquals(202, push(signer.set(SetSigner.CREDENTIAL_COMPROMISE, event, bob, k2)).status(), "the new key is accepted");
        assertEquals("FLAGGED", flagOf("bob").json().get("state").asText());
    }

    @Test
    void redirectsOfTheTransmitterAreNotFollowed() throws Exception {
        java.util.concurrent.atomic.AtomicInteger elsewhere = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            elsewhere.incrementAndGet();
            byte[] b = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        other.start();
        String target = "http://127.0.0.1:" + other.getAddress().getPort();
        jwksServer.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", target + "/jwks");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        jwksServer.createContext("/issuer/.well-known/ssf-configuration", exchange -> {
            exchange.getResponseHeaders().add("Location", target + "/issuer/.well-known/ssf-configuration");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        try {
            String moved = jwksUrl().replace("/jwks", "/moved");
            BreachApi.Reply put = api.putJson("/ssf/receivers/" + receiverId, "{\"alias\":\"upstream\",\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\""
                    + moved + "\",\"audience\":\"" + AUDIENCE + "\",\"delivery\":\"push\"}");
            assertEquals(200, put.status(), put.toString());
            Pushed p = push(signer.set(SetSigner.CREDENTIAL_COMPROMISE, null, SetSigner.email("bob@example.test"), k1));
            assertEquals(503, p.status(), "the JWKS answered a redirect, which is not followed: " + p.body());
            assertEquals("temporarily_unavailable", p.err());
            BreachApi.Reply discovered = api.postJson("/ssf/receivers", "{\"alias\":\"moved\",\"issuer\":\""
                    + jwksUrl().replace("/jwks", "/issuer") + "\",\"audience\":\"a\",\"delivery\":\"push\"}");
            assertEquals(400, discovered.status(), discovered.toString());
            assertEquals("discovery_failed", discovered.json().get("error").asText());
            assertTrue(discovered.json().get("message").asText().contains("redirect"), discovered.toString());
            assertEquals(0, elsewhere.get(), "the host a redirect named was never asked");
            assertEquals(404, flagOf("bob").status(), "nothing applied");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void subjectsMapThroughTheIdentityProviderLinkAliasesAndAnAttributeAndNeverGuess() throws Exception {
        IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
        idp.setAlias("upstream-idp");
        idp.setProviderId("oidc");
        idp.setEnabled(true);
        idp.getConfig().putAll(java.util.Map.of("issuer", ISSUER, "clientId", "acme", "clientSecret", "x", "clientAuthMethod", "client_secret_post",
                "authorizationUrl", "https://transmitter.example/auth", "tokenUrl", "https://transmitter.example/token"));
        admin.realm(realm).identityProviders().create(idp).close();
        FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
        link.setIdentityProvider("upstream-idp");
        link.setUserId("ext-bob");
        link.setUserName("bob");
        admin.realm(realm).users().get(userId("bob")).addFederatedIdentity("upstream-idp", link).close();

        assertEquals(202, push(signer.set(SetSigner.CHANGE_REQUIRED, null, SetSigner.issSub(ISSUER, "ext-bob"), k1)).status());
        assertEquals("FLAGGED", flagOf("bob").json().get("state").asText());
        assertEquals("iss_sub", lastEvent().get("subjectFormat").asText());

        int users = admin.realm(realm).users().count();
        assertEquals(202, push(signer.set(SetSigner.CHANGE_REQUIRED, null, SetSigner.email("nobody@example.test"), k1)).status(),
                "an unknown subject is no oracle: 202 as for any other");
        assertEquals("NOT_FOUND", lastEvent().get("outcome").asText());
        assertEquals(users, admin.realm(realm).users().count(), "no user is created");
        // bob is also linked, under the same id, through an identity provider of another issuer: this transmitter may not
        // name users through it
        IdentityProviderRepresentation other = new IdentityProviderRepresentation();
        other.setAlias("other-idp");
        other.setProviderId("oidc");
        other.setEnabled(true);
        other.getConfig().putAll(java.util.Map.of("issuer", "https://other-idp.example", "clientId", "acme", "clientSecret", "x",
                "clientAuthMethod", "client_secret_post", "authorizationUrl", "https://other-idp.example/auth", "tokenUrl", "https://other-idp.example/token"));
        admin.realm(realm).identityProviders().create(other).close();
        FederatedIdentityRepresentation otherLink = new FederatedIdentityRepresentation();
        otherLink.setIdentityProvider("other-idp");
        otherLink.setUserId("ext-bob");
        otherLink.setUserName("bob");
        admin.realm(realm).users().get(userId("bob")).addFederatedIdentity("other-idp", otherLink).close();
        assertEquals(202, push(signer.set(SetSigner.CHANGE_REQUIRED, null, SetSigner.issSub("https://other-idp.example", "ext-bob"), k1)).status());
        assertEquals("NOT_FOUND", lastEvent().get("outcome").asText(), "the link of an identity provider of another issuer does not count");

        ObjectNode both = BreachApi.JSON.createObjectNode().put("format", "aliases");
        both.putArray("identifiers").add(SetSigner.email("alice@example.test")).add(SetSigner.issSub(ISSUER, "ext-bob"));
        assertEquals(202, push(signer.set(SetSigner.CHANGE_REQUIRED, null, both, k1)).status());
        assertEquals("AMBIGUOUS", lastEvent().get("outcome").asText(), "aliases naming two users");
        assertEquals(404, flagOf("alice").status(), "neither is flagged for it");

        // two users behind one email
        RealmRepresentation rep = admin.realm(realm).toRepresentation();
        rep.setDuplicateEmailsAllowed(true);
        rep.setLoginWithEmailAllowed(false);
        admin.realm(realm).update(rep);
        UserRepresentation twin = Realms.user(null, "alice2");
        twin.setEmail("carol@example.test");
        admin.realm(realm).users().create(twin).close();
        assertEquals(202, push(signer.set(SetSigner.CHANGE_REQUIRED, null, SetSigner.email("carol@example.test"), k1)).status());
        assertEquals("AMBIGUOUS", lastEvent().get("outcome").asText());
        assertEquals(404, flagOf("carol").status());

        // opaque subjects through a user attribute
        UPConfig profile = admin.realm(realm).users().userProfile().getConfiguration();
        profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ENABLED);
        admin.realm(realm).users().userProfile().update(profile);
        UserRepresentation alice = admin.realm(realm).users().get(userId("alice")).toRepresentation();
        alice.singleAttribute("employeeId", "E-7");
        admin.realm(realm).users().get(alice.getId()).update(alice);
        BreachApi.Reply put = api.putJson("/ssf/receivers/" + receiverId, "{\"alias\":\"upstream\",\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\""
                + jwksUrl() + "\",\"audience\":\"" + AUDIENCE + "\",\"delivery\":\"push\",\"subjects\":{\"opaqueAttribute\":\"employeeId\"}}");
        assertEquals(200, put.status(), put.toString());
        ObjectNode opaque = BreachApi.JSON.createObjectNode().put("format", "opaque").put("id", "E-7");
        assertEquals(202, push(signer.set(SetSigner.CHANGE_REQUIRED, null, opaque, k1)).status());
        assertEquals("FLAGGED", flagOf("alice").json().get("state").asText());
    }

    @Test
    void sessionRevocationHijackingCredentialChangeAndStreamEvents() throws Exception {
        JsonNode tokens = Realms.passwordGrant(urls.getBase(), realm, "alice", Realms.PASSWORD, null);
        assertNotNull(tokens.get("refresh_token"), tokens.toString());
        assertEquals(202, push(signer.set(SetSigner.SESSION_REVOKED, null, SetSigner.email("alice@example.test"), k1)).status());
        JsonNode refreshed = Realms.refresh(urls.getBase(), realm, tokens.get("refresh_token").asText());
        assertEquals("invalid_grant", refreshed.path("error").asText(), "alice's session is gone: " + refreshed);
        assertEquals(404, flagOf("alice").status(), "session-revoked revokes; it does not flag");
        // a complex subject naming a session this realm does not know (no brokered session has that id): all of the
        // user's sessions end, rather than none
        JsonNode again = Realms.passwordGrant(urls.getBase(), realm, "alice", Realms.PASSWORD, null);
        ObjectNode complex = BreachApi.JSON.createObjectNode().put("format", "complex");
        complex.set("user", SetSigner.email("alice@example.test"));
        complex.set("session", BreachApi.JSON.createObjectNode().put("format", "opaque").put("id", "upstream-sid-1"));
        assertEquals(202, push(signer.set(SetSigner.SESSION_REVOKED, null, complex, k1)).status());
        assertEquals("complex", lastEvent().get("subjectFormat").asText());
        assertEquals("invalid_grant", Realms.refresh(urls.getBase(), realm, again.get("refresh_token").asText()).path("error").asText());

        assertEquals(202, push(signer.set(SetSigner.ACCOUNT_DISABLED, SetSigner.event("reason", "hijacking"), SetSigner.email("bob@example.test"), k1)).status());
        assertEquals("FLAGGED", flagOf("bob").json().get("state").asText());
        assertFalse(admin.realm(realm).users().get(userId("bob")).toRepresentation().isEnabled(), "disableOnHijacking");

        // without disableOnHijacking: flagged, signed out everywhere, still enabled
        BreachApi.Reply put = api.putJson("/ssf/receivers/" + receiverId, "{\"alias\":\"upstream\",\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\""
                + jwksUrl() + "\",\"audience\":\"" + AUDIENCE + "\",\"delivery\":\"push\"}");
        assertEquals(200, put.status(), put.toString());
        JsonNode aliceTokens = Realms.passwordGrant(urls.getBase(), realm, "alice", Realms.PASSWORD, null);
        assertEquals(202, push(signer.set(SetSigner.ACCOUNT_DISABLED, SetSigner.event("reason", "hijacking"), SetSigner.email("alice@example.test"), k1)).status());
        assertEquals("FLAGGED", flagOf("alice").json().get("state").asText());
        assertTrue(admin.realm(realm).users().get(userId("alice")).toRepresentation().isEnabled());
        assertEquals("invalid_grant", Realms.refresh(urls.getBase(), realm, aliceTokens.get("refresh_token").asText()).path("error").asText(),
                "a hijacked account's sessions end even when it stays enabled");
        assertEquals(202, push(signer.set(SetSigner.ACCOUNT_DISABLED, SetSigner.event("reason", "bulk-account"), SetSigner.email("carol@example.test"), k1)).status());
        assertEquals("RECORDED", lastEvent().get("outcome").asText());
        assertEquals(404, flagOf("carol").status());

        // carol: flagged, then stepped up; upstream says a factor was deleted, and she holds none here: her flag opens again
        assertEquals(202, push(signer.set(SetSigner.CREDENTIAL_COMPROMISE, SetSigner.event("credential_type", "password"),
                SetSigner.email("carol@example.test"), k1)).status());
        assertTrue(api.testWriter(INCIDENT, userId("carol"), "step-up").status() < 300);
        assertEquals("STEPPED_UP", flagOf("carol").json().get("state").asText());
        assertEquals(202, push(signer.set(SetSigner.CREDENTIAL_CHANGE, SetSigner.event("credential_type", "fido2-roaming", "change_type", "delete"),
                SetSigner.email("carol@example.test"), k1)).status());
        assertEquals("APPLIED", lastEvent().get("outcome").asText(), lastEvent().toString());
        assertEquals("FLAGGED", flagOf("carol").json().get("state").asText());
        assertEquals(202, push(signer.set(SetSigner.CREDENTIAL_CHANGE, SetSigner.event("credential_type", "fido2-roaming", "change_type", "delete"),
                SetSigner.email("carol@example.test"), k1)).status());
        assertEquals("RECORDED", lastEvent().get("outcome").asText(), "nothing left to re-open");
        assertEquals(202, push(signer.set(SetSigner.CREDENTIAL_CHANGE, SetSigner.event("credential_type", "password", "change_type", "update"),
                SetSigner.email("carol@example.test"), k1)).status());
        assertEquals("RECORDED", lastEvent().get("outcome").asText(), "an upstream password change is not the local one a flag asks for");

        ObjectNode stream = BreachApi.JSON.createObjectNode().put("format", "opaque").put("id", "stream-1");
        assertEquals(202, push(signer.set(SetSigner.VERIFICATION, SetSigner.event("state", "s-1"), stream, k1)).status());
        assertEquals("VERIFIED", lastEvent().get("outcome").asText());
        assertTrue(api.get("/ssf/receivers/" + receiverId).json().at("/stream/verifiedAt").isNumber());
        assertEquals(202, push(signer.set(SetSigner.STREAM_UPDATED, SetSigner.event("status", "paused"), stream, k1)).status());
        assertEquals("paused", api.get("/ssf/receivers/" + receiverId).json().at("/stream/status").asText());
        assertEquals(202, push(signer.set("https://example.com/event-type/something-new", null, SetSigner.email("alice@example.test"), k1)).status());
        assertEquals("IGNORED", lastEvent().get("outcome").asText());

        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(urls.getMetric())).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(MetricsIT.value(metrics, "keycloak_breach_ssf_events_total", "outcome=\"applied\"", "type=\"session-revoked\"") >= 1, metrics);
        assertTrue(MetricsIT.value(metrics, "keycloak_breach_ssf_events_total", "outcome=\"ignored\"", "type=\"other\"") >= 1);
    }

    @Test
    void theAdminApiValidatesItsInputAndChecksRights() throws Exception {
        String base = "\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\"" + jwksUrl() + "\",\"audience\":\"" + AUDIENCE + "\"";
        for (String body : List.of("{\"alias\":\"x\"," + base + ",\"delivery\":\"push\",\"colour\":\"red\"}",
                "{\"alias\":\"Bad Alias\"," + base + ",\"delivery\":\"push\"}",
                "{\"alias\":\"x\",\"issuer\":\"http://transmitter.example\",\"jwksUri\":\"" + jwksUrl() + "\",\"audience\":\"a\",\"delivery\":\"push\"}",
                "{\"alias\":\"x\",\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\"" + jwksUrl() + "\",\"delivery\":\"push\"}",
                "{\"alias\":\"x\"," + base + ",\"delivery\":\"smtp\"}",
                "{\"alias\":\"x\"," + base + ",\"delivery\":\"poll\"}",
                "{\"alias\":\"x\"," + base + ",\"delivery\":\"push\",\"maxEvents\":0}",
                "{\"alias\":\"x\"," + base + ",\"delivery\":\"push\",\"eventsRequested\":[\"not a uri\"]}",
                "[1]")) {
            BreachApi.Reply r = api.postJson("/ssf/receivers", body);
            assertEquals(400, r.status(), body + " → " + r);
            assertEquals("invalid_request", r.json().get("error").asText());
        }
        assertEquals(415, api.post("/ssf/receivers", "text/plain", "{}").status());
        BreachApi.Reply taken = api.postJson("/ssf/receivers", "{\"alias\":\"upstream\"," + base + ",\"delivery\":\"push\"}");
        assertEquals(409, taken.status(), taken.toString());
        BreachApi.Reply undiscoverable = api.postJson("/ssf/receivers", "{\"alias\":\"other\",\"issuer\":\"http://127.0.0.1:"
                + jwksServer.getAddress().getPort() + "/nothing\",\"audience\":\"a\",\"delivery\":\"push\"}");
        assertEquals(400, undiscoverable.status(), undiscoverable.toString());
        assertEquals("discovery_failed", undiscoverable.json().get("error").asText());
        assertEquals(1, api.get("/ssf/receivers").json().get("receivers").size(), "nothing half-written");

        JsonNode shown = api.get("/ssf/receivers/" + receiverId).json();
        assertFalse(shown.has("pushCredential"), shown.toString());
        assertTrue(shown.get("hasPushCredential").asBoolean());
        assertFalse(api.get("/ssf/receivers").body().contains(credential));

        BreachApi.Reply rotated = api.post("/ssf/receivers/" + receiverId + "/push-credential", "application/json", "");
        assertEquals(200, rotated.status(), rotated.toString());
        assertEquals("no-store", rotated.header("Cache-Control"));
        String fresh = rotated.json().get("pushCredential").asText();
        String set = signer.set(SetSigner.CHANGE_REQUIRED, null, SetSigner.email("nobody@example.test"), k1);
        assertEquals(401, push(set).status(), "the old credential stops at once");
        assertEquals(202, push(pushUrl, "application/secevent+jwt", "Bearer " + fresh, set.getBytes(StandardCharsets.US_ASCII)).status());

        Realms.grant(admin, realm, userId("viewer"), "view-realm");
        BreachApi viewer = new BreachApi(urls.getBase(), realm,
                () -> Realms.passwordGrant(urls.getBase(), realm, "viewer", Realms.PASSWORD, null).get("access_token").asText());
        BreachApi nobody = new BreachApi(urls.getBase(), realm,
                () -> Realms.passwordGrant(urls.getBase(), realm, "dev1", Realms.PASSWORD, null).get("access_token").asText());
        assertEquals(403, nobody.get("/ssf/receivers").status());
        assertEquals(403, nobody.get("/ssf/receivers/" + receiverId + "/events").status());
        assertEquals(200, viewer.get("/ssf/receivers").status());
        assertEquals(200, viewer.get("/ssf/receivers/" + receiverId + "/status").status());
        assertEquals(403, viewer.postJson("/ssf/receivers", "{\"alias\":\"y\"," + base + ",\"delivery\":\"push\"}").status());
        assertEquals(403, viewer.post("/ssf/receivers/" + receiverId + "/push-credential", "application/json", "").status());
        assertEquals(403, viewer.delete("/ssf/receivers/" + receiverId).status());
        assertEquals(204, api.delete("/ssf/receivers/" + receiverId).status());
        assertEquals(401, push(set).status(), "a deleted receiver takes nothing");
    }
}
