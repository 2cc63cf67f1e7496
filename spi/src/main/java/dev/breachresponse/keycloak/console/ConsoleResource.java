package dev.breachresponse.keycloak.console;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.keycloak.common.Version;
import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import dev.breachresponse.keycloak.report.ReportResource;
import dev.breachresponse.keycloak.ssf.PushResource;
import dev.breachresponse.keycloak.setup.ConsoleClient;

/**
 * {@code GET /realms/{realm}/breach-response/console/…}: the console page ({@code console/}, rendered from the
 * template with the realm's configuration in {@code data-} attributes) and its whitelisted files. Every answer, 404s
 * and the redirect included, carries the console's security headers ({@link #CSP} and the others) instead of the
 * realm's browser headers, which would allow framing by the same origin.
 */
public final class ConsoleResource {

    /** The console's Content-Security-Policy: its own origin only, no inline script or style, no framing. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'; object-src 'none'";

    private final KeycloakSession session;

    ConsoleResource(KeycloakSession session) {
        this.session = session;
    }

    /** {@code /realms/{realm}/breach-response/report}: the "This wasn't me" page of security emails. */
    @Path("report")
    public ReportResource report() {
        return new ReportResource(session);
    }

    /** {@code /realms/{realm}/breach-response/ssf/{receiverId}/push}: RFC 8935 push delivery to a Shared Signals receiver. */
    @Path("ssf")
    public PushResource ssf() {
        return new PushResource(session);
    }

    /**
     * {@code console} → 303 to {@code console/}; {@code console/} and {@code console/index.html} → the page
     * ({@code Cache-Control: no-store}); {@code console/<file>} → a file of {@link ConsoleFiles#SERVED} with its
     * type and ETag ({@code no-cache}: revalidated, 304 when unchanged); anything else → 404.
     */
    @GET
    @Path("{path: console(/.*)?}")
    public Response get(@PathParam("path") String path, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        // the server's own headers would overwrite ours (the realm's CSP allows frames of the same origin)
        session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
        String rawPath = session.getContext().getUri().getRequestUri().getRawPath();
        if ("console".equals(path) || "console/".equals(path)) {
            // the router hands "console" for both console and console/: the raw path tells them apart
            if (!rawPath.endsWith("/")) {
                URI to = session.getContext().getUri().getRequestUriBuilder().replaceQuery(null).replacePath(rawPath + "/").build();
                return secured(Response.seeOther(to)).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
            }
            path = "console/";
        }
        String file = path.substring("console/".length());
        if (file.isEmpty() || ConsoleFiles.INDEX.equals(file)) {
            return secured(Response.ok(index().getBytes(StandardCharsets.UTF_8), ConsoleFiles.contentType(ConsoleFiles.INDEX)))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        }
        Optional<ConsoleFiles.Asset> asset = ConsoleFiles.served(file);
        if (asset.isEmpty()) {
            return secured(Response.status(Response.Status.NOT_FOUND).entity("Not found").type("text/plain; charset=utf-8"))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        }
        ConsoleFiles.Asset a = asset.get();
        if (a.etag().equals(ifNoneMatch)) {
            return secured(Response.notModified()).header(HttpHeaders.ETAG, a.etag())
                    .header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
        }
        return secured(Response.ok(a.bytes(), a.contentType())).header(HttpHeaders.ETAG, a.etag())
                .header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
    }

    private String index() {
        RealmModel realm = session.getContext().getRealm();
        String server = session.getContext().getUri().getBaseUri().toString();
        if (server.endsWith("/")) {
            server = server.substring(0, server.length() - 1);
        }
        return IndexPage.render(ConsoleFiles.indexTemplate(), Map.of(
                "realm", realm.getName(),
                "clientId", ConsoleClient.CLIENT_ID,
                "server", server,
                "pfCss", server + "/resources/" + Version.RESOURCES_VERSION + "/common/keycloak/vendor/patternfly-v5/patternfly.min.css"));
    }

    /** The console's security headers (see docs/security.md), plus the realm's HSTS setting when it has one. */
    private Response.ResponseBuilder secured(Response.ResponseBuilder b) {
        b.header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY");
        RealmModel realm = session.getContext().getRealm();
        String hsts = realm == null ? null : realm.getBrowserSecurityHeaders().get("strictTransportSecurity");
        if (hsts != null && !hsts.isBlank()) {
            b.header("Strict-Transport-Security", hsts);
        }
        return b;
    }
}
