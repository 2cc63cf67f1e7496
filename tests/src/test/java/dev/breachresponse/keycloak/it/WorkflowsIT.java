package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Keycloak Workflows (26.7) on our flags: a workflow created through Keycloak's own admin API
 * ({@code POST /admin/realms/{realm}/workflows}) on the {@code breach-flagged(<incident>)} event with the
 * {@code is-breach-flagged} condition moves a flagged user into a group with Keycloak's built-in {@code join-group}
 * step, for a single flag and for users of a bulk job, and leaves users flagged in another incident alone.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class WorkflowsIT {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String realm;
    BreachApi api;

    @BeforeEach
    void realmWithAGroup() {
        realm = Realms.newName("wf");
        Realms.create(admin, UUID.randomUUID().toString(), realm, List.of(Realms.user(null, "dev0"), Realms.user(null, "dev1"),
                Realms.user(null, "dev2"), Realms.user(null, "dev3")));
        GroupRepresentation g = new GroupRepresentation();
        g.setName("breached");
        admin.realm(realm).groups().add(g).close();
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        for (String incident : List.of("leak", "other")) {
            assertEquals(201, api.postJson("/incidents", "{\"id\":\"" + incident + "\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        }
    }

    @AfterEach
    void removeRealm() {
        admin.realm(realm).remove();
    }

    @Test
    void aWorkflowOnBreachFlaggedMovesTheUsersOfThatIncidentIntoAGroup() throws Exception {
        HttpResponse<String> created = workflow("{\"name\":\"breached users to a group\",\"on\":\"breach-flagged(leak)\","
                + "\"if\":\"is-breach-flagged(leak)\",\"steps\":[{\"uses\":\"join-group\",\"with\":{\"group\":\"/breached\"}}]}");
        assertEquals(201, created.statusCode(), created.body());

        assertEquals(201, api.put("/incidents/leak/flags/" + userId("dev0")).status());
        assertEquals(201, api.put("/incidents/other/flags/" + userId("dev1")).status());
        awaitJob(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"username\":\"dev2\"},{\"username\":\"dev3\"}]}"));

        Set<String> members = awaitMembers(3);
        assertEquals(Set.of("dev0", "dev2", "dev3"), members, "flagged in leak: single flag and bulk job; dev1's flag is in another incident");
    }

    @Test
    void theConditionNamesTheIncident() throws Exception {
        // any breach-flagged event, but only users with an open flag in leak qualify
        HttpResponse<String> created = workflow("{\"name\":\"leak only\",\"on\":\"breach-flagged\","
                + "\"if\":\"is-breach-flagged(leak)\",\"steps\":[{\"uses\":\"join-group\",\"with\":{\"group\":\"/breached\"}}]}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(201, api.put("/incidents/other/flags/" + userId("dev1")).status());
        assertEquals(201, api.put("/incidents/leak/flags/" + userId("dev0")).status());
        assertEquals(Set.of("dev0"), awaitMembers(1), "dev1's flag is in another incident: the condition is false for dev1");
    }

    @Test
    void anUnknownConditionIsRefusedByKeycloak() throws Exception {
        HttpResponse<String> refused = workflow("{\"name\":\"x\",\"on\":\"breach-flagged\",\"if\":\"is-breach-flaged\","
                + "\"steps\":[{\"uses\":\"join-group\",\"with\":{\"group\":\"/breached\"}}]}");
        assertEquals(400, refused.statusCode(), "our condition's name is known, a misspelt one is not: " + refused.body());
        HttpResponse<String> ok = workflow("{\"name\":\"y\",\"on\":\"breach-flagged\",\"if\":\"is-breach-flagged\","
                + "\"steps\":[{\"uses\":\"join-group\",\"with\":{\"group\":\"/breached\"}}]}");
        assertEquals(201, ok.statusCode(), ok.body());
    }

    private HttpResponse<String> workflow(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/admin/realms/" + realm + "/workflows"))
                .header("Authorization", "Bearer " + admin.tokenManager().getAccessTokenString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String userId(String username) {
        return admin.realm(realm).users().search(username, true).get(0).getId();
    }

    private Set<String> awaitMembers(int n) throws InterruptedException {
        String groupId = admin.realm(realm).groups().groups("breached", 0, 1).get(0).getId();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<String> members = Set.of();
        while (System.nanoTime() < end) {
            members = admin.realm(realm).groups().group(groupId).members().stream().map(UserRepresentation::getUsername)
                    .collect(Collectors.toSet());
            if (members.size() >= n) {
                break;
            }
            Thread.sleep(200);
        }
        Thread.sleep(500);
        members = admin.realm(realm).groups().group(groupId).members().stream().map(UserRepresentation::getUsername).collect(Collectors.toSet());
        assertTrue(members.size() >= n, "group members: " + members);
        return members;
    }

    /** Waits for a bulk job accepted with 202 to succeed. */
    private void awaitJob(BreachApi.Reply accepted) {
        assertEquals(202, accepted.status(), accepted.toString());
        assertEquals("SUCCEEDED", api.awaitJob(accepted.json().get("id").asText(), Duration.ofSeconds(60)).get("state").asText());
    }
}
