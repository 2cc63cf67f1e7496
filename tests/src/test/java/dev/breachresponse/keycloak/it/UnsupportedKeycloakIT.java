package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * On a Keycloak outside the supported range ({@code br.dist.zip} of the {@code it-kc-unsupported} execution in
 * tests/pom.xml) the extension starts no workers, says so in one log line, and its API (setup first) answers
 * 409 {@code unsupported_keycloak_version} naming the running version and the supported range.
 */
class UnsupportedKeycloakIT {

    static KeycloakProcess kc;

    @BeforeAll
    static void start() throws Exception {
        kc = KeycloakProcess.forThisRun("unsupported", "start-dev");
        kc.start();
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
    }

    @Test
    void setupRefusesNamingTheVersionsAndNoWorkerStarts() throws Exception {
        String expected = System.getProperty("br.matrix.version", "");
        BreachApi api = kc.api("master");
        for (BreachApi.Reply r : new BreachApi.Reply[] {api.postJson("/setup", ""), api.get("/setup"), api.get("/incidents")}) {
            assertEquals(409, r.status(), r.toString());
            JsonNode n = r.json();
            assertEquals("unsupported_keycloak_version", n.get("error").asText());
            assertTrue(n.get("runningVersion").asText().startsWith(expected), n.toString());
            assertTrue(n.get("supportedVersions").asText().contains("26.7"), n.toString());
            assertTrue(n.get("message").asText().contains(n.get("runningVersion").asText()), n.toString());
        }
        String log;
        try (Stream<Path> logs = Files.list(kc.home()).filter(p -> p.getFileName().toString().startsWith("server-"))) {
            StringBuilder b = new StringBuilder();
            for (Path p : logs.toList()) {
                b.append(Files.readString(p));
            }
            log = b.toString();
        }
        assertEquals(1, log.lines().filter(l -> l.contains("Breach Response does not support Keycloak")).count(), "one clear log line");
        assertFalse(log.contains("Breach Response job worker"), "no job worker started");
        assertFalse(log.contains("Breach Response reminders scheduled"), "no reminder task scheduled");
    }
}
