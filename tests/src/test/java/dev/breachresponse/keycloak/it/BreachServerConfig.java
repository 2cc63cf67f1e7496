package dev.breachresponse.keycloak.it;

import org.keycloak.testframework.server.KeycloakServerConfig;
import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/** The server every framework IT runs: the built product jar plus the test-only providers of this module. */
public class BreachServerConfig implements KeycloakServerConfig {

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return config
                .option("http-host", "127.0.0.1")
                // tests run the reminder campaign through POST .../reminders/run; the timer would race them
                .option("spi-breach-reminders--default--interval-seconds", "86400")
                .dependency("dev.breachresponse", "keycloak-breach-response")
                .dependencyCurrentProject();
    }
}
