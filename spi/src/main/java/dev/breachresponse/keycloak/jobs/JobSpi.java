package dev.breachresponse.keycloak.jobs;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * SPI "breach-jobs": bulk flag intake and this node's job worker (one provider, "default"). The worker belongs to
 * its own provider factory, so the REST layer only submits and wakes it and never starts or stops it.
 */
public final class JobSpi implements Spi {

    public static final String NAME = "breach-jobs";

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
        return JobService.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return JobServiceFactory.class;
    }
}
