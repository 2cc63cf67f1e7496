package dev.breachresponse.keycloak.it;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

import dasniko.testcontainers.keycloak.KeycloakContainer;

/**
 * The same store contract against a container built from docker/Dockerfile (the image admins deploy), with
 * testcontainers-keycloak. Needs a Docker engine; without one JUnit reports it skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerIncidentStoreIT extends IncidentStoreContract {

    static KeycloakContainer container;
    static Keycloak containerAdmin;

    @BeforeAll
    static void startContainer() {
        Path root = Path.of(System.getProperty("br.project.root")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("br.product.jar")).toAbsolutePath().normalize();
        ImageFromDockerfile image = new ImageFromDockerfile("breach-response-keycloak-it", true)
                .withFileFromPath("docker/Dockerfile", root.resolve("docker/Dockerfile"))
                .withFileFromPath("spi/target/" + jar.getFileName(), jar)
                .withDockerfile(root.resolve("docker/Dockerfile"));
        container = new KeycloakContainer(image.get())
                .withProviderClassesFrom("target/classes") // test-only federated user store
                .withEnv("KC_BOOTSTRAP_ADMIN_CLIENT_ID", "temp-admin")
                .withEnv("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", "mysecret")
                .withEnv("KC_DB", "dev-file");
        container.start();
        containerAdmin = KeycloakBuilder.builder()
                .serverUrl(container.getAuthServerUrl())
                .realm("master")
                .clientId("temp-admin")
                .clientSecret("mysecret")
                .grantType("client_credentials")
                .build();
    }

    @AfterAll
    static void stopContainer() {
        if (containerAdmin != null) {
            containerAdmin.close();
        }
        if (container != null) {
            container.stop();
        }
    }

    @Override
    Keycloak admin() {
        return containerAdmin;
    }

    @Override
    String baseUrl() {
        String url = container.getAuthServerUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
