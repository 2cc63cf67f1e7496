package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The incident console as the server hosts it (no browser): its security headers on every answer, the whitelist,
 * content types and caching, and the OIDC client that {@code POST /setup} registers for it.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class ConsoleHostingIT {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String realm;
    BreachApi api;

    @BeforeEach
    void realm() {
        realm = Realms.newName("console");
        Realms.create(admin, UUID.randomUUID().toString(), realm, List.of());
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
    }

    @AfterEach
    void removeRealm() {
        admin.realm(realm).remove();
    }

    String consoleUrl() {
        return urls.getBase() + "/realms/" + realm + "/breach-response/console/";
    }

    static HttpResponse<String> fetch(String url, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    static void assertSecurityHeaders(HttpResponse<?> r, String what) {
        assertAll(what + " " + r.statusCode() + " " + r.headers().map(),
                () -> assertEquals(CSP, header(r, "Content-Security-Policy")),
                () -> assertEquals(1, r.headers().allValues("Content-Security-Policy").size(), "one CSP, not the realm's as well"),
                () -> assertEquals("nosniff", header(r, "X-Content-Type-Options")),
                () -> assertEquals("no-referrer", header(r, "Referrer-Policy")),
                () -> assertEquals("DENY", header(r, "X-Frame-Options")));
    }

    @Test
    void setupRegistersThePublicPkceClientOnceAndPutsBackWhatDrifted() {
        JsonNode before = api.get("/setup").json();
        assertEquals(false, before.at("/console/client").asBoolean(true), before.toString());
        assertEquals(consoleUrl(), before.at("/console/url").asText(), before.toString());

        JsonNode first = api.post("/setup", null, "").json();
        assertEquals(consoleUrl(), first.get("consoleUrl").asText(), first.toString());
        assertTrue(first.toString().contains("Registered the incident console's client 'breach-response-console'"), first.toString());
        ClientRepresentation c = admin.realm(realm).clients().findByClientId("breach-response-console").get(0);
        assertAll("the console's client: " + c.getAttributes(),
                () -> assertTrue(c.isPublicClient()),
                () -> assertTrue(c.isStandardFlowEnabled()),
                () -> assertFalse(c.isImplicitFlowEnabled()),
                () -> assertFalse(c.isDirectAccessGrantsEnabled(), "no direct grants"),
                () -> assertFalse(c.isServiceAccountsEnabled()),
                () -> assertFalse(Boolean.TRUE.equals(c.isBearerOnly())),
                () -> assertTrue(c.isFullScopeAllowed(), "realm-management roles reach the token"),
                () -> assertEquals(List.of(consoleUrl()), c.getRedirectUris(), "exactly the console URL, no wildcard"),
                () -> assertEquals(List.of("+"), c.getWebOrigins()),
                () -> assertEquals("S256", c.getAttributes().get("pkce.code.challenge.method")),
                () -> assertEquals(consoleUrl(), c.getAttributes().get("post.logout.redirect.uris")),
                () -> assertEquals("openid-connect", c.getProtocol()),
                () -> assertTrue(c.getDefaultClientScopes().contains("roles"), "the realm's default scopes: " + c.getDefaultClientScopes()));
        JsonNode status = api.get("/setup").json();
        assertEquals(true, status.at("/console/client").asBoolean(false), status.toString());

        JsonNode second = api.post("/setup", null, "").json();
        assertEquals(false, second.get("changed").asBoolean(true), "a second run changes nothing: " + second);
        assertEquals(0, second.get("changes").size(), second.toString());
        assertEquals(1, admin.realm(realm).clients().findByClientId("breach-response-console").size(), "one client");

        // someone loosens the client: setup puts it back, and says so
        ClientRepresentation loose = admin.realm(realm).clients().findByClientId("breach-response-console").get(0);
        loose.setDirectAccessGrantsEnabled(true);
        loose.setRedirectUris(List.of("*"));
        loose.getAttributes().put("pkce.code.challenge.method", "");
        admin.realm(realm).clients().get(loose.getId()).update(loose);
        JsonNode third = api.post("/setup", null, "").json();
        assertTrue(third.get("changed").asBoolean(false), third.toString());
        String change = third.get("changes").toString();
        assertTrue(change.contains("direct access grants off") && change.contains("redirect URI " + consoleUrl())
                && change.contains("pkce.code.challenge.method=S256"), change);
        ClientRepresentation fixed = admin.realm(realm).clients().get(loose.getId()).toRepresentation();
        assertFalse(fixed.isDirectAccessGrantsEnabled());
        assertEquals(List.of(consoleUrl()), fixed.getRedirectUris());
        assertEquals("S256", fixed.getAttributes().get("pkce.code.challenge.method"));
        assertEquals(false, api.post("/setup", null, "").json().get("changed").asBoolean(true), "and then nothing again");
    }

    @Test
    void thePageCarriesItsConfigurationAndTheHeadersAndIsNeverCached() {
        HttpResponse<String> page = fetch(consoleUrl());
        assertEquals(200, page.statusCode(), page.body());
        assertSecurityHeaders(page, "console/");
        assertEquals("text/html; charset=utf-8", header(page, "Content-Type").toLowerCase().replace("\"", ""));
        assertEquals("no-store", header(page, "Cache-Control"));
        String html = page.body();
        assertTrue(html.contains("data-realm=\"" + realm + "\""), html);
        assertTrue(html.contains("data-client-id=\"breach-response-console\""), html);
        assertTrue(html.contains("data-server=\"" + urls.getBase() + "\""), html);
        Matcher pf = Pattern.compile("data-pf-css=\"([^\"]+)\"").matcher(html);
        assertTrue(pf.find(), html);
        assertTrue(pf.group(1).startsWith(urls.getBase() + "/resources/") && pf.group(1).endsWith("/common/keycloak/vendor/patternfly-v5/patternfly.min.css"), pf.group(1));
        HttpResponse<String> css = fetch(pf.group(1));
        assertEquals(200, css.statusCode(), "Keycloak serves PatternFly 5 at " + pf.group(1));
        assertTrue(header(css, "Content-Type").startsWith("text/css"), header(css, "Content-Type"));

        assertEquals(200, fetch(consoleUrl() + "index.html").statusCode());
        HttpResponse<String> bare = fetch(consoleUrl().substring(0, consoleUrl().length() - 1));
        assertEquals(303, bare.statusCode(), "console → console/");
        assertEquals(consoleUrl(), header(bare, "Location"));
        assertSecurityHeaders(bare, "the redirect");
    }

    @Test
    void whitelistedFilesHaveTheirTypesAndETagsAndEverythingElseIs404() {
        Map<String, String> types = Map.of(
                "js/app.js", "text/javascript",
                "console.css", "text/css",
                "messages/de.json", "application/json",
                "vendor/keycloak.js", "text/javascript",
                "vendor/uPlot.esm.js", "text/javascript",
                "vendor/uPlot.min.css", "text/css");
        types.forEach((file, type) -> {
            HttpResponse<String> r = fetch(consoleUrl() + file);
            assertEquals(200, r.statusCode(), file);
            assertSecurityHeaders(r, file);
            assertTrue(header(r, "Content-Type").toLowerCase().startsWith(type), file + " " + header(r, "Content-Type"));
            assertTrue(header(r, "Content-Type").toLowerCase().contains("charset=utf-8"), file + " " + header(r, "Content-Type"));
            assertEquals("no-cache", header(r, "Cache-Control"), file);
            String etag = header(r, "ETag");
            assertNotNull(etag, file);
            HttpResponse<String> again = fetch(consoleUrl() + file, "If-None-Match", etag);
            assertEquals(304, again.statusCode(), file + " revalidated");
            assertSecurityHeaders(again, file + " 304");
        });
        assertTrue(fetch(consoleUrl() + "vendor/keycloak.js").body().contains("Keycloak"), "keycloak-js from the webjar");
        for (String bad : List.of("nope.js", "vendor/LICENSE.txt", "js/", "JS/APP.JS", "../changelog-master.xml",
                "%2e%2e/changelog-master.xml", "..%2fchangelog-master.xml", "js/%2e%2e/%2e%2e/changelog-master.xml",
                "index.html%00.js")) {
            HttpResponse<String> r = fetch(consoleUrl() + bad);
            assertTrue(r.statusCode() == 404 || r.statusCode() == 400, bad + " → " + r.statusCode());
            assertFalse(r.body().contains("databaseChangeLog"), bad + " must not reach other files of the jar");
            if (r.statusCode() == 404 && header(r, "Content-Security-Policy") != null) {
                assertSecurityHeaders(r, bad);
            }
        }
        HttpResponse<String> unknown = fetch(consoleUrl() + "nope.js");
        assertSecurityHeaders(unknown, "404");
    }
}
