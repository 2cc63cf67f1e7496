package dev.breachresponse.keycloak.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import com.fasterxml.jackson.databind.JsonNode;

/** Realm and user fixtures built through Keycloak's admin REST API, with ids the tests choose. */
public final class Realms {

    public static final String PASSWORD = "Passw0rd!long-enough";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Realms() {
    }

    public static String newName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a realm with a fixed id and the given users (fixed ids, password {@link #PASSWORD}). */
    public static void create(Keycloak admin, String id, String name, List<UserRepresentation> users) {
        RealmRepresentation r = new RealmRepresentation();
        r.setId(id);
        r.setRealm(name);
        r.setEnabled(true);
        r.setUsers(users);
        admin.realms().create(r);
    }

    public static UserRepresentation user(String id, String username) {
        UserRepresentation u = new UserRepresentation();
        u.setId(id);
        u.setUsername(username);
        u.setEmail(username + "@example.test");
        u.setFirstName("Dev");
        u.setLastName(username);
        u.setEmailVerified(true);
        u.setEnabled(true);
        CredentialRepresentation c = new CredentialRepresentation();
        c.setType(CredentialRepresentation.PASSWORD);
        c.setValue(PASSWORD);
        c.setTemporary(false);
        u.setCredentials(List.of(c));
        return u;
    }

    /** Gives a user realm-management roles (view-users, manage-users, …). */
    /**
     * Adds the test-only in-memory user federation provider to the realm and creates {@code username} in it:
     * a federated user without a row in Keycloak's user table. Returns the user's (federated) id.
     */
    public static String federatedUser(Keycloak admin, String realm, String username) {
        org.keycloak.representations.idm.ComponentRepresentation c = new org.keycloak.representations.idm.ComponentRepresentation();
        c.setName("in-memory");
        c.setProviderId(InMemoryUserStorageProviderFactory.ID);
        c.setProviderType("org.keycloak.storage.UserStorageProvider");
        c.setParentId(admin.realm(realm).toRepresentation().getId());
        try (jakarta.ws.rs.core.Response r = admin.realm(realm).components().add(c)) {
            if (r.getStatus() != 201) {
                throw new AssertionError("adding the in-memory provider answered " + r.getStatus());
            }
        }
        UserRepresentation u = new UserRepresentation();
        u.setUsername(username);
        u.setEnabled(true);
        try (jakarta.ws.rs.core.Response r = admin.realm(realm).users().create(u)) {
            if (r.getStatus() != 201) {
                throw new AssertionError("creating federated user " + username + " answered " + r.getStatus());
            }
            String loc = r.getLocation().toString();
            String id = loc.substring(loc.lastIndexOf('/') + 1);
            if (!id.startsWith("f:")) {
                throw new AssertionError("kept by the provider, no row in Keycloak's user table: " + id);
            }
            return id;
        }
    }

    public static void grant(Keycloak admin, String realm, String userId, String... roles) {
        ClientRepresentation rm = admin.realm(realm).clients().findByClientId("realm-management").get(0);
        List<RoleRepresentation> reps = java.util.Arrays.stream(roles)
                .map(role -> admin.realm(realm).clients().get(rm.getId()).roles().get(role).toRepresentation())
                .toList();
        admin.realm(realm).users().get(userId).roles().clientLevel(rm.getId()).add(reps);
    }

    /** Password grant through the realm's public admin-cli client; returns the token response. */
    public static JsonNode passwordGrant(String baseUrl, String realm, String username, String password, String scope) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", "admin-cli");
        form.put("username", username);
        form.put("password", password);
        if (scope != null) {
            form.put("scope", scope);
        }
        return tokenCall(baseUrl, realm, form);
    }

    /** A password grant through {@code clientId} (a public client with direct access grants) instead of admin-cli. */
    public static JsonNode passwordGrantThrough(String baseUrl, String realm, String clientId, String username, String password) {
        return tokenCall(baseUrl, realm, Map.of("grant_type", "password", "client_id", clientId, "username", username, "password", password));
    }

    public static JsonNode refresh(String baseUrl, String realm, String refreshToken) {
        return tokenCall(baseUrl, realm, Map.of("grant_type", "refresh_token", "client_id", "admin-cli", "refresh_token", refreshToken));
    }

    private static JsonNode tokenCall(String baseUrl, String realm, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode n = BreachApi.JSON.readTree(r.body());
            ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_status", r.statusCode());
            return n;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
