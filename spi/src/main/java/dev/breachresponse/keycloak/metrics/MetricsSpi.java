package dev.breachresponse.keycloak.metrics;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * SPI "breach-metrics": the extension's gauges on Keycloak's metrics endpoint (one provider, "default", whose
 * factory refreshes them; {@link MetricsRefresher}). Options: {@code --spi-breach-metrics--default--interval-seconds}.
 */
public final class MetricsSpi implements Spi {

    public static final String NAME = "breach-metrics";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return MetricsProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return MetricsRefresher.class;
    }
}
