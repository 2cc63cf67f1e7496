package dev.breachresponse.keycloak.it;

import org.keycloak.common.Profile;
import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/**
 * {@link BreachServerConfig} with Keycloak 26.7's experimental SSF transmitter on (feature {@code ssf}), for the
 * receiver's interoperability test; the receivers' poll tick every second, so the schedule itself is exercised; the
 * hostname option as a full URL ({@link SsfInteropIT#BASE}).
 */
public class SsfServerConfig extends BreachServerConfig {

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return super.configure(config)
                .features(Profile.Feature.SSF)
                .option("spi-breach-ssf--default--poll-tick-seconds", "1")
                // as a production server has it: the hostname as a full URL, so that Keycloak's transmitter can name its
                // issuer outside an HTTP request (a bulk job's flags are announced from the job's worker thread)
                .option("hostname", SsfInteropIT.BASE);
    }
}
