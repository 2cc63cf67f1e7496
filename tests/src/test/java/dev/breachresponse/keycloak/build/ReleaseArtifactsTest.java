package dev.breachresponse.keycloak.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a release ships beside the jar, checked after {@code package} (surefire runs in the tests module, after the
 * spi module packaged): the jar's SHA-256 file matches the jar, the CycloneDX SBOM names the product with the project
 * version and no Keycloak library, CHANGELOG.md's newest release is this version, and the Dockerfile, OpenAPI
 * description and README name this version.
 */
class ReleaseArtifactsTest {

    private static final String ARTIFACT = "keycloak-breach-response";
    private static final String GROUP = "dev.breachresponse";

    private final String version = require("br.version");
    private final Path root = Path.of(require("br.project.root")).toAbsolutePath().normalize();
    private final Path spiTarget = root.resolve("spi/target");
    private final String jarName = ARTIFACT + "-" + version + ".jar";

    @Test
    void versionIsARelease() {
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), "project version " + version + " is MAJOR.MINOR.PATCH");
    }

    @Test
    void sha256FileMatchesTheJar() throws Exception {
        Path jar = spiTarget.resolve(jarName);
        Path sumFile = spiTarget.resolve(jarName + ".sha256");
        assertTrue(Files.isRegularFile(jar), "the build wrote " + jar);
        assertTrue(Files.isRegularFile(sumFile), "the build wrote " + sumFile);

        String line = Files.readString(sumFile);
        // sha256sum's format, so that `sha256sum -c` checks it: "<64 hex>  <file name>\n"
        Matcher m = Pattern.compile("([0-9a-f]{64})  (\\S+)\n").matcher(line);
        assertTrue(m.matches(), "sha256sum format expected, got: " + line);
        assertEquals(jarName, m.group(2), "the checksum names the jar");
        assertEquals(sha256(jar), m.group(1), "SHA-256 in " + sumFile.getFileName() + " vs the jar's bytes");
    }

    @Test
    void sbomNamesTheProductWithThisVersionAndNoKeycloakLibrary() throws Exception {
        Path sbom = spiTarget.resolve(ARTIFACT + "-" + version + ".cdx.json");
        if (!Files.isRegularFile(sbom)) {
            // cyclonedx-maven-plugin requires Maven online; in an offline (-o) build Maven skips it silently.
            Assumptions.assumeFalse("offline=true".equals(System.getProperty("br.maven.offline")),
                    "offline build: cyclonedx-maven-plugin was skipped, no SBOM to check");
            fail("the build wrote no SBOM at " + sbom);
        }
        JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
        assertEquals("CycloneDX", bom.path("bomFormat").asText());
        assertFalse(bom.path("specVersion").asText().isEmpty(), "specVersion");

        JsonNode product = bom.path("metadata").path("component");
        assertEquals(GROUP, product.path("group").asText(), "metadata.component.group");
        assertEquals(ARTIFACT, product.path("name").asText(), "metadata.component.name");
        assertEquals(version, product.path("version").asText(), "metadata.component.version");
        assertTrue(product.path("purl").asText().startsWith("pkg:maven/" + GROUP + "/" + ARTIFACT + "@" + version),
                "purl " + product.path("purl").asText());

        // Keycloak provides every Java library at runtime and none is shaded: none belongs in the jar's SBOM. The
        // incident console's browser files come from two webjars, which it lists.
        List<String> webjars = new java.util.ArrayList<>();
        for (JsonNode c : bom.path("components")) {
            String group = c.path("group").asText();
            assertFalse(group.startsWith("org.keycloak") || group.startsWith("io.quarkus") || group.startsWith("org.junit"),
                    "SBOM lists a library the jar does not ship: " + c.path("purl").asText());
            assertEquals("org.webjars.npm", group, "only the console's webjars besides the jar: " + c.path("purl").asText());
            webjars.add(c.path("name").asText());
            assertEquals("required", c.path("scope").asText("required"), "shipped in the jar: " + c.path("purl").asText());
        }
        assertEquals(List.of("keycloak-js", "uplot"), webjars.stream().sorted().toList(), "the console's webjars");
    }

    @Test
    void theJarCarriesTheConsoleWithItsVendorFilesAndTheirLicences() throws Exception {
        Path jar = spiTarget.resolve(jarName);
        assertTrue(Files.isRegularFile(jar), "the build wrote " + jar);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (String entry : List.of("META-INF/breach-response/console/index.html",
                    "META-INF/breach-response/console/js/app.js",
                    "META-INF/breach-response/console/vendor/keycloak.js",
                    "META-INF/breach-response/console/vendor/uPlot.esm.js",
                    "META-INF/breach-response/console/vendor/uPlot.min.css",
                    "META-INF/breach-response/licenses/keycloak-js/LICENSE.txt",
                    "META-INF/breach-response/licenses/uplot/LICENSE",
                    "META-INF/services/org.keycloak.services.resource.RealmResourceProviderFactory")) {
                assertNotNull(zip.getEntry(entry), "the jar holds " + entry);
            }
            assertTrue(zip.stream().noneMatch(e -> e.getName().startsWith("META-INF/resources/webjars/")),
                    "nothing of the webjars but the unpacked files");
        }
    }

    @Test
    void changelogsNewestReleaseIsThisVersion() throws Exception {
        String changelog = Files.readString(root.resolve("CHANGELOG.md"));
        // Keep a Changelog: "## [Unreleased]" may lead, then "## [x.y.z] - YYYY-MM-DD", newest first
        List<String> releases = Pattern.compile("^## \\[(\\d+\\.\\d+\\.\\d+)\\] - \\d{4}-\\d{2}-\\d{2}$", Pattern.MULTILINE)
                .matcher(changelog).results().map(r -> r.group(1)).toList();
        assertFalse(releases.isEmpty(), "CHANGELOG.md has '## [x.y.z] - YYYY-MM-DD' sections");
        assertEquals(version, releases.get(0), "newest release section in CHANGELOG.md vs the project version");
        assertEquals(releases.size(), releases.stream().distinct().count(), "each version once: " + releases);
    }

    @Test
    void dockerfileOpenApiAndReadmeNameThisVersion() throws Exception {
        String dockerfile = Files.readString(root.resolve("docker/Dockerfile"));
        Matcher arg = Pattern.compile("^ARG BR_VERSION=(\\S+)$", Pattern.MULTILINE).matcher(dockerfile);
        assertTrue(arg.find(), "Dockerfile declares ARG BR_VERSION=<version>");
        assertEquals(version, arg.group(1), "Dockerfile's BR_VERSION vs the project version");
        assertTrue(dockerfile.contains("spi/target/" + ARTIFACT + "-${BR_VERSION}.jar"),
                "Dockerfile copies exactly this version's jar (a stale jar of another version must not come along)");

        String openapi = Files.readString(root.resolve("docs/api/openapi.yaml"));
        Matcher info = Pattern.compile("^  version: (\\S+)$", Pattern.MULTILINE).matcher(openapi);
        assertTrue(info.find(), "openapi.yaml has info.version");
        assertEquals(version, info.group(1), "openapi.yaml info.version vs the project version");

        assertTrue(Files.readString(root.resolve("README.md")).contains(jarName), "README names " + jarName);
        assertTrue(Files.readString(root.resolve("docs/upgrading.md")).contains(jarName), "docs/upgrading.md names " + jarName);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String require(String property) {
        String value = System.getProperty(property);
        assertNotNull(value, "surefire passes " + property);
        return value;
    }
}
