package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.AuthorizationResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.idm.authorization.ClientPolicyRepresentation;
import org.keycloak.representations.idm.authorization.ScopePermissionRepresentation;
import org.keycloak.representations.idm.authorization.UserPolicyRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An admin limited by fine-grained admin permissions (v2) may submit a bulk job, but the worker flags only
 * the users that admin may manage; the others read NOT_FOUND, like users that do not exist.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class FineGrainedBulkFlagIT {

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @Test
    void limitedAdminFlagsOnlyUsersWithinReach() throws Exception {
        String realm = Realms.newName("fgap");
        String inReach = UUID.randomUUID().toString();
        String outOfReach = UUID.randomUUID().toString();
        String limited = UUID.randomUUID().toString();
        List<UserRepresentation> users = new ArrayList<>(List.of(
                Realms.user(inReach, "reachable"), Realms.user(outOfReach, "unreachable"), Realms.user(limited, "helpdesk")));
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(realm);
        r.setEnabled(true);
        r.setAdminPermissionsEnabled(true);
        r.setUsers(users);
        admin.realms().create(r);
        try {
            Realms.grant(admin, realm, limited, "query-users");
            ClientRepresentation permClient = admin.realm(realm).clients().findByClientId("admin-permissions").get(0);
            AuthorizationResource authz = admin.realm(realm).clients().get(permClient.getId()).authorization();
            UserPolicyRepresentation policy = new UserPolicyRepresentation();
            policy.setName("helpdesk-is-helpdesk");
            policy.addUser(limited);
            try (Response resp = authz.policies().user().create(policy)) {
                assertEquals(201, resp.getStatus());
            }
            permit(authz, "helpdesk-manages-reachable", inReach, "helpdesk-is-helpdesk");

            BreachApi api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
            assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());

            JsonNode t = Realms.passwordGrant(urls.getBase(), realm, "helpdesk", Realms.PASSWORD, null);
            assertEquals(200, t.get("_status").asInt(), t.toString());
            String token = t.get("access_token").asText();
            BreachApi helpdesk = new BreachApi(urls.getBase(), realm, () -> token);

            assertEquals(403, helpdesk.put("/incidents/leak/flags/" + inReach).status(), "single flags need realm-wide manage-users");
            BreachApi.Reply accepted = helpdesk.postJson("/incidents/leak/flags",
                    "{\"subjects\":[{\"username\":\"reachable\"},{\"username\":\"unreachable\"},{\"username\":\"nobody\"}]}");
            assertEquals(202, accepted.status(), accepted.toString());
            String jobId = accepted.json().get("id").asText();
            JsonNode job = null;
            for (int i = 0; i < 300; i++) {
                job = helpdesk.get("/jobs/" + jobId).json();
                if (!job.get("state").asText().matches("QUEUED|RUNNING")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            assertEquals(1, job.at("/counts/flagged").asInt(), job.toString());
            assertEquals(2, job.at("/counts/notFound").asInt(), "out of reach reads like unknown");
            JsonNode items = helpdesk.get("/jobs/" + jobId + "/items?outcome=NOT_FOUND").json();
            assertTrue(items.get(0).get("userId").isNull() && items.get(1).get("userId").isNull(), items.toString());
            assertEquals(1, api.get("/users/" + inReach + "/flags").json().size());
            assertEquals(0, api.get("/users/" + outOfReach + "/flags").json().size());
        } finally {
            admin.realm(realm).remove();
        }
    }

    /**
     * A permission whose policy names a client (Keycloak reads the client from the request) cannot be evaluated by the
     * worker, which runs outside any request: the job fails closed with a reason that says so, and flags nobody, even
     * when it was submitted through the client the policy names.
     */
    @Test
    void aClientPolicyTheWorkerCannotEvaluateFailsTheJobClosed() throws Exception {
        String realm = Realms.newName("fgapclient");
        String inReach = UUID.randomUUID().toString();
        String limited = UUID.randomUUID().toString();
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(realm);
        r.setEnabled(true);
        r.setAdminPermissionsEnabled(true);
        r.setUsers(new ArrayList<>(List.of(Realms.user(inReach, "reachable"), Realms.user(limited, "helpdesk"))));
        ClientRepresentation tool = new ClientRepresentation();
        tool.setClientId("helpdesk-tool");
        tool.setEnabled(true);
        tool.setPublicClient(true);
        tool.setDirectAccessGrantsEnabled(true);
        r.setClients(List.of(tool));
        admin.realms().create(r);
        try {
            Realms.grant(admin, realm, limited, "query-users");
            ClientRepresentation permClient = admin.realm(realm).clients().findByClientId("admin-permissions").get(0);
            AuthorizationResource authz = admin.realm(realm).clients().get(permClient.getId()).authorization();
            ClientPolicyRepresentation policy = new ClientPolicyRepresentation();
            policy.setName("through-helpdesk-tool");
            policy.addClient(admin.realm(realm).clients().findByClientId("helpdesk-tool").get(0).getId());
            try (Response resp = authz.policies().client().create(policy)) {
                assertEquals(201, resp.getStatus(), resp.readEntity(String.class));
            }
            permit(authz, "helpdesk-tool-manages-reachable", inReach, "through-helpdesk-tool");
            BreachApi api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
            assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());

            JsonNode through = submitThrough(realm, "helpdesk-tool");
            assertEquals("FAILED", through.get("state").asText(), through.toString());
            assertTrue(through.get("error").asText().contains("cannot evaluate"), through.toString());
            assertEquals(0, through.at("/counts/flagged").asInt(), through.toString());
            assertEquals(0, through.get("processed").asInt(), "nothing of the chunk written: " + through);
            assertEquals(0, api.get("/users/" + inReach + "/flags").json().size(), "nobody flagged");
        } finally {
            admin.realm(realm).remove();
        }
    }

    /** The helpdesk admin, logged in through {@code clientId}, submits a job for "reachable"; the job as it ended. */
    private JsonNode submitThrough(String realm, String clientId) {
        JsonNode t = Realms.passwordGrantThrough(urls.getBase(), realm, clientId, "helpdesk", Realms.PASSWORD);
        assertEquals(200, t.get("_status").asInt(), t.toString());
        String token = t.get("access_token").asText();
        BreachApi helpdesk = new BreachApi(urls.getBase(), realm, () -> token);
        BreachApi.Reply accepted = helpdesk.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"reachable\"}]}");
        assertEquals(202, accepted.status(), accepted.toString());
        return helpdesk.awaitJob(accepted.json().get("id").asText(), java.time.Duration.ofSeconds(30));
    }

    /** A scope permission to view and manage one user, granted by {@code policy}. */
    private static void permit(AuthorizationResource authz, String name, String userId, String policy) {
        ScopePermissionRepresentation permission = new ScopePermissionRepresentation();
        permission.setName(name);
        permission.setResourceType("Users");
        permission.setResources(Set.of(userId));
        permission.setScopes(Set.of("view", "manage"));
        permission.setPolicies(Set.of(policy));
        try (Response resp = authz.permissions().scope().create(permission)) {
            assertEquals(201, resp.getStatus(), resp.readEntity(String.class));
        }
    }
}
