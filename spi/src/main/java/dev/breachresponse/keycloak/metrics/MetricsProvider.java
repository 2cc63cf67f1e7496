package dev.breachresponse.keycloak.metrics;

import org.keycloak.provider.Provider;

/** The provider of SPI {@value MetricsSpi#NAME}: nothing per session; the factory holds the gauges. */
public interface MetricsProvider extends Provider {

    @Override
    default void close() {
    }
}
