package dev.breachresponse.keycloak.ssf;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * SPI "breach-ssf": the node's Shared Signals receiver service (one provider, "default", options in docs/ssf.md). An
 * SPI so that its timer and poll schedule belong to the Keycloak session factory, not to the JVM.
 */
public final class SsfSpi implements Spi {

    public static final String NAME = "breach-ssf";

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
        return SsfService.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return SsfServiceFactory.class;
    }
}
