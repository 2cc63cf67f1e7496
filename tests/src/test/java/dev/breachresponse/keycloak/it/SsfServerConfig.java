package dev.breachresponse.keycloak.it;

import org.keycloak.common.Profile;
import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/**
 * {@link BreachServerConfig} with Keycloak 26.7's experimental SSF transmitter on (feature {@code ssf}), for the
 * receiver's interoperability test; the receivers' poll tick every second, so the schedule itself is exercised.
 */
public class SsfServerConfig extends BreachServerConfig {

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return super.configure(config)
                .features(Profile.Feature.SSF)
                .option("spi-breach-ssf--default--poll-tick-seconds", "1");
    }
}
