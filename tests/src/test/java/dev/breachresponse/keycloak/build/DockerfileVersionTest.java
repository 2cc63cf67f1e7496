package dev.breachresponse.keycloak.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The image admins deploy runs the Keycloak version the jar is compiled and tested against. */
class DockerfileVersionTest {

    private static final Pattern FROM = Pattern.compile("^FROM\\s+quay\\.io/keycloak/keycloak:(\\S+)", Pattern.MULTILINE);

    @Test
    void everyKeycloakBaseImageHasTheTestedVersion() throws Exception {
        String expected = System.getProperty("br.keycloak.version");
        Path dockerfile = Path.of(System.getProperty("br.project.root"), "docker", "Dockerfile");
        Matcher m = FROM.matcher(Files.readString(dockerfile));
        List<String> versions = m.results().map(r -> r.group(1).replaceAll("\\s+AS\\s+.*", "")).toList();
        assertFalse(versions.isEmpty(), "Dockerfile has FROM quay.io/keycloak/keycloak:<version> lines");
        for (String v : versions) {
            assertEquals(expected, v, "Dockerfile base image version vs <keycloak.version> in pom.xml");
        }
    }
}
