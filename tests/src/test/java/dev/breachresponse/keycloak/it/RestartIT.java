package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A flag written through the store is still there after the server restarts, and after it is killed with
 * SIGKILL: the data lives in the database (H2 file, PostgreSQL or MariaDB), not in a cache.
 */
class RestartIT {

    static KeycloakProcess kc;

    @BeforeAll
    static void start() throws Exception {
        kc = KeycloakProcess.forThisRun("restart", "start-dev");
        kc.start();
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
    }

    @Test
    void flagSurvivesRestartAndKill() throws Exception {
        String realm = Realms.newName("restart");
        String userId = UUID.randomUUID().toString();
        String realmJson = BreachApi.JSON.writeValueAsString(java.util.Map.of(
                "realm", realm, "enabled", true,
                "users", List.of(java.util.Map.of("id", userId, "username", "dana", "enabled", true))));
        HttpResponse<String> created = kc.adminCall("POST", "/realms", realmJson);
        assertEquals(201, created.statusCode(), created.body());

        BreachApi api = kc.api(realm);
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"restart-1\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        assertEquals(201, api.put("/incidents/restart-1/flags/" + userId).status());

        kc.stop();
        kc.start();
        assertFlagged(kc.api(realm), userId, 1);

        kc.kill();
        kc.start();
        assertFlagged(kc.api(realm), userId, 1);
        BreachApi.Reply again = kc.api(realm).put("/incidents/restart-1/flags/" + userId);
        assertEquals("ALREADY_FLAGGED", again.json().get("outcome").asText());
    }

    private static void assertFlagged(BreachApi api, String userId, int expectedHistory) {
        JsonNode flags = api.get("/users/" + userId + "/flags").json();
        assertEquals(1, flags.size(), flags.toString());
        assertEquals("FLAGGED", flags.get(0).get("state").asText());
        assertEquals(expectedHistory, api.get("/incidents/restart-1/flags/" + userId).json().get("history").size());
    }
}
