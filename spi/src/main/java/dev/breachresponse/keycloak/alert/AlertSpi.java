package dev.breachresponse.keycloak.alert;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI "breach-alerts": the admin alerts' timer and run-now (one provider, "default"). */
public final class AlertSpi implements Spi {

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "breach-alerts";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return AlertService.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return AlertServiceFactory.class;
    }
}
