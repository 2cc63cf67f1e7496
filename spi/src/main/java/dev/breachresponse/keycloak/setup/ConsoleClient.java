package dev.breachresponse.keycloak.setup;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.ws.rs.core.UriBuilder;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.services.managers.ClientManager;

/**
 * The incident console's OIDC client in one realm: a public client {@value #CLIENT_ID} that may only use the
 * authorization code flow with PKCE S256 (RFC 7636 section 4.2), with the console's URL as its one exact redirect URI
 * and post-logout redirect URI, web origin {@code +} and full scope (the realm-management roles reach the token so
 * that Keycloak's admin API accepts it). {@link #ensure} creates it, or puts back what drifted, and says so.
 */
public final class ConsoleClient {

    /** The console's client id in every realm (also in the page's {@code data-client-id}). */
    public static final String CLIENT_ID = "breach-response-console";

    /** Path of the console below the server's base URL, {@code {realm}} being the realm's name. */
    public static final String PATH = "realms/{realm}/breach-response/console/";

    static final String PKCE_METHOD = "pkce.code.challenge.method";
    static final String POST_LOGOUT_REDIRECT_URIS = "post.logout.redirect.uris";
    static final String DEVICE_GRANT = "oauth2.device.authorization.grant.enabled";
    static final String CIBA_GRANT = "oidc.ciba.grant.enabled";

    private ConsoleClient() {
    }

    /** Status for {@code GET /setup}: whether the client exists, and the console URL of the realm. */
    public record Status(boolean client, String url) {
    }

    /**
     * The console's URL in {@code realm}, e.g. {@code http://localhost:8080/realms/acme/breach-response/console/}: the
     * realm's frontend URL (realm attribute {@code frontendUrl}) when set, else the base URL of the current request
     * ({@code KeycloakContext.getUri().getBaseUri()}), then {@link #PATH} with the realm name path-encoded.
     */
    public static String url(KeycloakSession session, RealmModel realm) {
        String frontend = realm.getAttribute("frontendUrl");
        URI base = frontend != null && !frontend.isBlank() ? URI.create(withSlash(frontend.strip()))
                : session.getContext().getUri().getBaseUri();
        return UriBuilder.fromUri(base).path(PATH).build(realm.getName()).toString();
    }

    private static String withSlash(String s) {
        return s.endsWith("/") ? s : s + "/";
    }

    public static Status status(KeycloakSession session, RealmModel realm) {
        return new Status(realm.getClientByClientId(CLIENT_ID) != null, url(session, realm));
    }

    /**
     * Creates the client (through Keycloak's {@link ClientManager}, as the admin API does, so it gets the realm's
     * default client scopes) or puts back every setting that differs; one sentence per change is added to
     * {@code changes}. A second call changes nothing. An admin's choice to disable the client is left alone.
     *
     * @return the console URL the client is registered for
     */
    static String ensure(KeycloakSession session, RealmModel realm, List<String> changes) {
        String url = url(session, realm);
        ClientModel client = realm.getClientByClientId(CLIENT_ID);
        if (client == null) {
            ClientManager.createClient(session, realm, representation(url));
            changes.add("Registered the incident console's client '" + CLIENT_ID + "' (public, authorization code + PKCE S256, redirect URI " + url + ")");
            return url;
        }
        List<String> fixed = new ArrayList<>();
        if (!OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol())) {
            client.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
            fixed.add("protocol openid-connect");
        }
        if (!client.isPublicClient() || client.isBearerOnly()) {
            client.setPublicClient(true);
            client.setBearerOnly(false);
            fixed.add("public client");
        }
        if (!client.isStandardFlowEnabled()) {
            client.setStandardFlowEnabled(true);
            fixed.add("standard flow on");
        }
        if (client.isImplicitFlowEnabled()) {
            client.setImplicitFlowEnabled(false);
            fixed.add("implicit flow off");
        }
        if (client.isDirectAccessGrantsEnabled()) {
            client.setDirectAccessGrantsEnabled(false);
            fixed.add("direct access grants off");
        }
        if (client.isServiceAccountsEnabled()) {
            client.setServiceAccountsEnabled(false);
            fixed.add("service account off");
        }
        if (!client.isFullScopeAllowed()) {
            client.setFullScopeAllowed(true);
            fixed.add("full scope allowed");
        }
        if (!client.getRedirectUris().equals(Set.of(url))) {
            client.setRedirectUris(Set.of(url));
            fixed.add("redirect URI " + url);
        }
        if (!client.getWebOrigins().equals(Set.of("+"))) {
            client.setWebOrigins(Set.of("+"));
            fixed.add("web origin +");
        }
        attributes(url).forEach((name, value) -> {
            if (!Objects.equals(value, client.getAttribute(name))) {
                client.setAttribute(name, value);
                fixed.add(name + "=" + value);
            }
        });
        if (!fixed.isEmpty()) {
            changes.add("Put back the incident console's client '" + CLIENT_ID + "' settings: " + String.join(", ", fixed));
        }
        return url;
    }

    private static Map<String, String> attributes(String url) {
        return Map.of(
                PKCE_METHOD, "S256",
                POST_LOGOUT_REDIRECT_URIS, url,
                DEVICE_GRANT, "false",
                CIBA_GRANT, "false");
    }

    private static ClientRepresentation representation(String url) {
        ClientRepresentation rep = new ClientRepresentation();
        rep.setClientId(CLIENT_ID);
        rep.setName("Breach Response console");
        rep.setDescription("The Breach Response incident console (public client, authorization code with PKCE). Managed by POST .../breach-response/setup.");
        rep.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        rep.setEnabled(true);
        rep.setPublicClient(true);
        rep.setBearerOnly(false);
        rep.setConsentRequired(false);
        rep.setStandardFlowEnabled(true);
        rep.setImplicitFlowEnabled(false);
        rep.setDirectAccessGrantsEnabled(false);
        rep.setServiceAccountsEnabled(false);
        rep.setFullScopeAllowed(true);
        rep.setRedirectUris(List.of(url));
        rep.setWebOrigins(List.of("+"));
        rep.setBaseUrl(url);
        rep.setAttributes(attributes(url));
        return rep;
    }
}
