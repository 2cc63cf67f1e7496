package dev.breachresponse.keycloak.incident;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Declares the incident-store SPI ({@code breach-incident-store}) so Keycloak loads its one JPA provider. */
public final class IncidentStoreSpi implements Spi {

    public static final String NAME = "breach-incident-store";

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
        return IncidentStore.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return IncidentStoreProviderFactory.class;
    }
}
