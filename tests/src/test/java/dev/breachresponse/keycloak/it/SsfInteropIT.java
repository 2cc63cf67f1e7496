package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ClientScopeRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Interoperability with a transmitter nobody here wrote: Keycloak 26.7's own SSF transmitter (experimental feature
 * {@code ssf}) in realm "upstream", and this extension's receiver in realm "acme", polling (RFC 8936) as a real
 * deployment would: discovery, a client-credentials token, a stream created through the transmitter's API, its
 * verification event, then a user's logout upstream revoking the matching user's sessions in acme (CAEP
 * session-revoked), and a RISC credential-compromise an admin emits upstream flagging that user, who is then refused
 * a token without step-up. Exact setup in docs/ssf.md.
 */
@KeycloakIntegrationTest(config = SsfServerConfig.class)
class SsfInteropIT {

    static final String BASE = "http://127.0.0.1:8080";
    static final String AUDIENCE = "https://acme.example/ssf";
    static final String SECRET = "acme-receiver-secret-0123456789";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String upstream;
    String acme;
    String upstreamAlice;
    BreachApi api;

    @BeforeEach
    void realms() {
        upstream = Realms.newName("upstream");
        acme = Realms.newName("acme");
        RealmRepresentation up = new RealmRepresentation();
        up.setRealm(upstream);
        up.setEnabled(true);
        // Keycloak 26.7's transmitter takes its issuer from the request's URL (or the hostname option; a realm frontendUrl
        // would become the issuer as it is, without /realms/…): every call upstream goes to BASE, so that SETs, metadata
        // and tokens name one issuer
        up.setAttributes(Map.of("ssf.transmitterEnabled", "true"));
        UserRepresentation alice = Realms.user(null, "alice");
        up.setUsers(List.of(alice, Realms.user(null, "bob"), Realms.user(null, "carol")));
        admin.realms().create(up);
        upstreamAlice = admin.realm(upstream).users().searchByUsername("alice", true).get(0).getId();

        ClientRepresentation receiver = new ClientRepresentation();
        receiver.setClientId("acme-receiver");
        receiver.setSecret(SECRET);
        receiver.setPublicClient(false);
        receiver.setServiceAccountsEnabled(true);
        receiver.setStandardFlowEnabled(false);
        receiver.setDirectAccessGrantsEnabled(false);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("ssf.enabled", "true");
        attributes.put("ssf.defaultSubjects", "ALL");
        attributes.put("ssf.streamAudience", AUDIENCE);
        attributes.put("ssf.allowEmitEvents", "true");
        attributes.put("ssf.emitEventsRole", "ssf-emit");
        receiver.setAttributes(attributes);
        admin.realm(upstream).clients().create(receiver).close();
        String receiverUuid = admin.realm(upstream).clients().findByClientId("acme-receiver").get(0).getId();
        for (String scope : List.of("ssf.read", "ssf.manage")) {
            ClientScopeRepresentation s = admin.realm(upstream).clientScopes().findAll().stream().filter(c -> scope.equals(c.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("Keycloak's transmitter creates the scope " + scope));
            admin.realm(upstream).clients().get(receiverUuid).addDefaultClientScope(s.getId());
        }

        // who emits: a service account with the role the receiver client names, and manage-clients
        RoleRepresentation emit = new RoleRepresentation();
        emit.setName("ssf-emit");
        admin.realm(upstream).roles().create(emit);
        ClientRepresentation emitter = new ClientRepresentation();
        emitter.setClientId("emitter");
        emitter.setSecret(SECRET);
        emitter.setPublicClient(false);
        emitter.setServiceAccountsEnabled(true);
        emitter.setStandardFlowEnabled(false);
        admin.realm(upstream).clients().create(emitter).close();
        String emitterUuid = admin.realm(upstream).clients().findByClientId("emitter").get(0).getId();
        String emitterUser = admin.realm(upstream).clients().get(emitterUuid).getServiceAccountUser().getId();
        admin.realm(upstream).users().get(emitterUser).roles().realmLevel().add(List.of(admin.realm(upstream).roles().get("ssf-emit").toRepresentation()));
        String realmManagement = admin.realm(upstream).clients().findByClientId("realm-management").get(0).getId();
        admin.realm(upstream).users().get(emitterUser).roles().clientLevel(realmManagement)
                .add(List.of(admin.realm(upstream).clients().get(realmManagement).roles().get("manage-clients").toRepresentation()));

        // acme: the same person, linked to upstream through an OIDC identity provider whose issuer is upstream's
        Realms.create(admin, UUID.randomUUID().toString(), acme, List.of(Realms.user(null, "alice"), Realms.user(null, "bob"), Realms.user(null, "carol")));
        IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
        idp.setAlias("upstream");
        idp.setProviderId("oidc");
        idp.setEnabled(true);
        idp.getConfig().putAll(Map.of("issuer", issuer(), "clientId", "acme", "clientSecret", "x", "clientAuthMethod", "client_secret_post",
                "authorizationUrl", issuer() + "/protocol/openid-connect/auth", "tokenUrl", issuer() + "/protocol/openid-connect/token"));
        admin.realm(acme).identityProviders().create(idp).close();
        for (String user : List.of("alice", "bob", "carol")) {
            FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
            link.setIdentityProvider("upstream");
            link.setUserId(admin.realm(upstream).users().searchByUsername(user, true).get(0).getId());
            link.setUserName(user);
            String acmeUser = admin.realm(acme).users().searchByUsername(user, true).get(0).getId();
            admin.realm(acme).users().get(acmeUser).addFederatedIdentity("upstream", link).close();
        }
        api = new BreachApi(urls.getBase(), acme, () -> admin.tokenManager().getAccessTokenString());
    }

    @AfterEach
    void remove() {
        admin.realm(acme).remove();
        admin.realm(upstream).remove();
    }

    String issuer() {
        return BASE + "/realms/" + upstream;
    }

    @Test
    void keycloaksTransmitterFeedsTheReceiverByPoll() throws Exception {
        // the receiver: issuer only, the JWKS and token endpoint come from discovery
        BreachApi.Reply created = api.postJson("/ssf/receivers", "{\"alias\":\"upstream\",\"issuer\":\"" + issuer() + "\",\"audience\":\""
                + AUDIENCE + "\",\"delivery\":\"poll\",\"clientId\":\"acme-receiver\",\"clientSecret\":\"" + SECRET + "\",\"pollIntervalSeconds\":10}");
        assertEquals(201, created.status(), created.toString());
        String id = created.json().get("id").asText();
        assertEquals(issuer() + "/protocol/openid-connect/certs", created.json().get("jwksUri").asText(), "discovered from ssf-configuration");

        BreachApi.Reply stream = api.post("/ssf/receivers/" + id + "/stream", "application/json", "");
        assertEquals(201, stream.status(), stream.toString());
        assertNotNull(stream.json().get("stream_id").asText(null));
        JsonNode receiver = api.get("/ssf/receivers/" + id).json();
        assertTrue(receiver.at("/stream/pollUrl").asText().startsWith(issuer() + "/ssf/transmitter/receivers/acme-receiver/streams/"), receiver.toString());

        // the receiver asks for a verification event (SSF 1.0 §8.1.4.2); its state comes back in the SET
        BreachApi.Reply verify = api.post("/ssf/receivers/" + id + "/verify", "application/json", "");
        assertEquals(202, verify.status(), verify.toString());
        assertNotNull(verify.json().get("state").asText(null));
        await("the transmitter's verification event", () -> {
            pollNow(id);
            return api.get("/ssf/receivers/" + id).json().at("/stream/verifiedAt").isNumber();
        });
        JsonNode verified = api.get("/ssf/receivers/" + id + "/events").json().at("/events/0");
        assertEquals("VERIFIED", verified.get("outcome").asText(), verified.toString());
        assertEquals("verification answered", verified.get("detail").asText(), "the state matched the request: " + verified);

        // alice signs in to acme; her logout upstream (CAEP session-revoked) ends her acme session, through the schedule alone
        JsonNode acmeTokens = Realms.passwordGrant(urls.getBase(), acme, "alice", Realms.PASSWORD, null);
        assertNotNull(acmeTokens.get("refresh_token"), acmeTokens.toString());
        JsonNode upTokens = Realms.passwordGrant(BASE, upstream, "alice", Realms.PASSWORD, null);
        HttpResponse<String> logout = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/protocol/openid-connect/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client_id=admin-cli&refresh_token=" + upTokens.get("refresh_token").asText())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, logout.statusCode(), logout.body());
        await("alice's acme session revoked by the scheduled poll", () ->
                "invalid_grant".equals(Realms.refresh(urls.getBase(), acme, acmeTokens.get("refresh_token").asText()).path("error").asText()));
        assertTrue(count(api.get("/ssf/receivers/" + id + "/status").json(), "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
                "APPLIED") >= 1);
        assertEquals(404, api.get("/incidents/ssf-upstream/flags/" + acmeAlice()).status(), "a logout revokes; it does not flag");

        // an admin upstream emits RISC credential-compromise (a type this extension adds to Keycloak's transmitter); one
        // without the credential_type RISC requires is refused as Keycloak refuses bad event data (400, not a 500)
        String emitterToken = clientToken("emitter");
        HttpResponse<String> incomplete = emitCredentialCompromise(emitterToken, "{}");
        assertEquals(400, incomplete.statusCode(), incomplete.body());
        assertTrue(incomplete.body().contains("invalid_event_data") && incomplete.body().contains("credential_type"), incomplete.body());
        HttpResponse<String> emitted = emitCredentialCompromise(emitterToken, "{\"credential_type\":\"password\"}");
        assertTrue(emitted.statusCode() < 300 && emitted.body().contains("dispatched"), emitted.statusCode() + " " + emitted.body());
        await("alice flagged in acme", () -> {
            pollNow(id);
            return api.get("/incidents/ssf-upstream/flags/" + acmeAlice()).status() == 200;
        });
        JsonNode flag = api.get("/incidents/ssf-upstream/flags/" + acmeAlice()).json();
        assertEquals("FLAGGED", flag.get("state").asText(), flag.toString());
        assertEquals("upstream", flag.at("/history/0/actor/id").asText());

        // with enforcement set up in acme, alice's password alone no longer gets a token
        assertEquals(200, api.post("/setup", null, "").status());
        JsonNode denied = Realms.passwordGrant(urls.getBase(), acme, "alice", Realms.PASSWORD, null);
        assertNull(denied.get("access_token"), denied.toString());
        assertEquals("invalid_grant", denied.path("error").asText(), denied.toString());

        // everything the transmitter sent was acknowledged: a further poll brings nothing new
        BreachApi.Reply again = pollNow(id);
        assertEquals(0, again.json().get("received").asInt(), again.toString());
        JsonNode status = api.get("/ssf/receivers/" + id + "/status").json();
        assertEquals(0, count(status, null, "REFUSED"), status.toString());
        assertNull(status.get("lastError").textValue(), status.toString());

        // downstream: a flag this extension writes upstream (an incident that exposed passwords; its default policy revokes
        // sessions) leaves through Keycloak's transmitter as RISC credential-compromise and CAEP session-revoked, and
        // acme's receiver applies both: alice, dismissed in acme, is flagged again there
        assertEquals(200, api.delete("/incidents/ssf-upstream/flags/" + acmeAlice() + "?reason=interop").status());
        String statusPath = "/ssf/receivers/" + id + "/status";
        long revokedBefore = count(api.get(statusPath).json(), SetSigner.SESSION_REVOKED, "APPLIED");
        // through BASE, as every call upstream (the transmitter names itself after the request's URL): the emitter's
        // service account, given the rights to open incidents and flag users
        String emitterUser = admin.realm(upstream).clients().get(admin.realm(upstream).clients().findByClientId("emitter").get(0).getId())
                .getServiceAccountUser().getId();
        String realmManagement = admin.realm(upstream).clients().findByClientId("realm-management").get(0).getId();
        admin.realm(upstream).users().get(emitterUser).roles().clientLevel(realmManagement).add(List.of(
                admin.realm(upstream).clients().get(realmManagement).roles().get("manage-users").toRepresentation(),
                admin.realm(upstream).clients().get(realmManagement).roles().get("manage-realm").toRepresentation()));
        BreachApi up = new BreachApi(BASE, upstream, () -> {
            try {
                return clientToken("emitter");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        BreachApi.Reply leak = up.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Vendor leak\",\"exposedData\":[\"password\"]}");
        assertEquals(201, leak.status(), leak.toString());
        assertEquals(201, up.put("/incidents/leak/flags/" + upstreamAlice).status());
        await("alice flagged again in acme by the transmitter's credential-compromise", () -> {
            pollNow(id);
            return "FLAGGED".equals(api.get("/incidents/ssf-upstream/flags/" + acmeAlice()).json().get("state").asText());
        });
        JsonNode again2 = api.get("/incidents/ssf-upstream/flags/" + acmeAlice()).json();
        JsonNode last = again2.get("history").get(again2.get("history").size() - 1);
        assertEquals("SSF", last.at("/actor/type").asText(), again2.toString());
        assertTrue(last.get("cause").asText().contains("credential-compromise (password)"), again2.toString());
        await("the transmitter's session-revoked applied in acme", () -> {
            pollNow(id);
            return count(api.get(statusPath).json(), SetSigner.SESSION_REVOKED, "APPLIED") > revokedBefore;
        });
        // a bulk job upstream (the set-based writer, Flagging.flagAll) announces each new flag too: bob and carol, found in
        // acme through their identity-provider links, are flagged there by the next polls
        BreachApi.Reply bulk = up.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"bob\"},{\"username\":\"carol\"}]}");
        assertEquals(202, bulk.status(), bulk.toString());
        assertEquals("SUCCEEDED", up.awaitJob(bulk.json().get("id").asText(), java.time.Duration.ofMinutes(1)).get("state").asText());
        for (String user : List.of("bob", "carol")) {
            String acmeId = admin.realm(acme).users().searchByUsername(user, true).get(0).getId();
            await(user + " flagged in acme after the upstream bulk job", () -> {
                pollNow(id);
                BreachApi.Reply f = api.get("/incidents/ssf-upstream/flags/" + acmeId);
                return f.status() == 200 && "FLAGGED".equals(f.json().get("state").asText());
            });
        }
        // the transmitter's SETs name upstream's issuer (the upstream calls go through BASE): none was refused
        assertEquals(0, count(api.get(statusPath).json(), null, "REFUSED"));

        // disabling the receiver pauses the stream at the transmitter (SSF 1.0 §8.1.2.2), enabling resumes it
        String streamId = receiver.at("/stream/id").asText();
        String settings = "{\"alias\":\"upstream\",\"issuer\":\"" + issuer() + "\",\"audience\":\"" + AUDIENCE
                + "\",\"delivery\":\"poll\",\"clientId\":\"acme-receiver\",\"pollIntervalSeconds\":10";
        BreachApi.Reply paused = api.putJson("/ssf/receivers/" + id, settings + ",\"enabled\":false}");
        assertEquals(200, paused.status(), paused.toString());
        assertTrue(paused.json().get("streamStatusError").isNull(), paused.toString());
        assertEquals("paused", transmitterStatus(streamId));
        assertEquals(200, api.putJson("/ssf/receivers/" + id, settings + ",\"enabled\":true}").status());
        assertEquals("enabled", transmitterStatus(streamId));

        // a client secret the transmitter refuses: the poll fails, says why, and the next one waits longer (back-off)
        assertEquals(200, api.putJson("/ssf/receivers/" + id, settings + ",\"clientSecret\":\"wrong\"}").status());
        BreachApi.Reply failed = pollNow(id);
        assertTrue(failed.json().get("error").asText().contains("refused the client credentials"), failed.toString());
        JsonNode after = api.get("/ssf/receivers/" + id).json();
        assertTrue(after.get("failures").asInt() >= 1, after.toString());
        assertTrue(after.get("nextPollAt").asLong() - after.get("lastPollAt").asLong() >= 16_000,
                "twice the 10 s interval, less at most 20 % jitter: " + after);
    }

    /** The stream's status as Keycloak's transmitter keeps it ({@code GET …/streams/status}, the receiver's token). */
    String transmitterStatus(String streamId) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/ssf/transmitter/streams/status?stream_id=" + streamId))
                .header("Authorization", "Bearer " + clientToken("acme-receiver")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return BreachApi.JSON.readTree(r.body()).get("status").asText();
    }

    String acmeAlice() {
        return admin.realm(acme).users().searchByUsername("alice", true).get(0).getId();
    }

    /** POST …/poll; a 409 (the schedule is polling it right now) is waited out, for at most 30 s. */
    BreachApi.Reply pollNow(String id) throws InterruptedException {
        for (int i = 0; i < 60; i++) {
            BreachApi.Reply r = api.post("/ssf/receivers/" + id + "/poll", "application/json", "");
            if (r.status() != 409) {
                assertEquals(200, r.status(), r.toString());
                return r;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the receiver stayed leased by the schedule for 30 s");
    }

    /** Keycloak's emit endpoint upstream: RISC credential-compromise for alice (by email) with the event payload given. */
    HttpResponse<String> emitCredentialCompromise(String token, String event) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/" + upstream + "/ssf/clients/acme-receiver/events/emit"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"eventType\":\"" + SetSigner.CREDENTIAL_COMPROMISE + "\",\"subjectType\":\"user-email\","
                        + "\"subjectValue\":\"alice@example.test\",\"event\":" + event + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String clientToken(String clientId) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + SECRET)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return BreachApi.JSON.readTree(r.body()).get("access_token").asText();
    }

    static long count(JsonNode status, String eventType, String outcome) {
        long n = 0;
        for (JsonNode c : status.get("counts")) {
            if (c.get("outcome").asText().equals(outcome) && (eventType == null || eventType.equals(c.get("eventType").asText()))) {
                n += c.get("count").asLong();
            }
        }
        return n;
    }

    interface Check {
        boolean holds() throws Exception;
    }

    void await(String what, Check condition) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > until) {
                String id = api.get("/ssf/receivers").json().at("/receivers/0/id").asText();
                throw new AssertionError("timed out waiting for " + what + "; receiver: " + api.get("/ssf/receivers/" + id + "/status").body()
                        + "; events: " + api.get("/ssf/receivers/" + id + "/events").body());
            }
            Thread.sleep(500);
        }
    }
}
