package dev.breachresponse.keycloak.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/** The extension's build version, as stamped by Maven, for Keycloak's server info. */
public final class BuildInfo {

    private static final Properties PROPS = load();

    private BuildInfo() {
    }

    public static String version() {
        return PROPS.getProperty("version", "unknown");
    }

    public static String builtAgainstKeycloak() {
        return PROPS.getProperty("keycloak.version", "unknown");
    }

    /** Operational info shown under each of our providers in {@code /admin/serverinfo}. */
    public static Map<String, String> operationalInfo() {
        return Map.of("version", version(), "keycloakVersionBuiltAgainst", builtAgainstKeycloak(),
                "supportedKeycloakVersions", KeycloakVersions.RANGE);
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream("breach-response-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // version stays "unknown"; nothing else depends on it
        }
        return p;
    }
}
