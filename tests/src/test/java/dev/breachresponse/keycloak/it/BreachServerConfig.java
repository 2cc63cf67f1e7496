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
                .option("spi-breach-reminders--default--hygiene-interval-seconds", "86400")
                // small hygiene slices, so that a realm of four users shows the walk resuming (HygieneIT)
                .option("spi-breach-reminders--default--hygiene-batch-size", "3")
                // Keycloak's /metrics on the management port, with the breach gauges read every 5 s (MetricsIT)
                .option("metrics-enabled", "true")
                .option("spi-breach-metrics--default--interval-seconds", "5")
                // a webhook delivery is DEAD after its second failure, so WebhooksIT sees it within one job poll
                .option("spi-breach-webhook-sender--default--max-attempts", "2")
                // breached-password sources: an offline corpus of a million generated entries and a custom list
                // (BreachedPasswordsIT); a realm uses them only when its breachedPasswords settings say so
                .option("spi-breach-passwords--default--corpus-file", BreachCorpus.corpus().toString())
                .option("spi-breach-passwords--default--custom-lists", BreachCorpus.customList().toString())
                // admin alerts checked every 5 s, so that AdminAlertsIT sees the timer send without a call
                .option("spi-breach-alerts--default--interval-seconds", "5")
                .dependency("dev.breachresponse", "keycloak-breach-response")
                .dependencyCurrentProject();
    }
}
