package dev.breachresponse.keycloak.password;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * SPI "breach-passwords": the node's breach sources (one provider, "default": offline corpus, custom lists, the range
 * API's cache and circuit breakers; options in docs/breached-passwords.md).
 */
public final class BreachedPasswordsSpi implements Spi {

    public static final String NAME = "breach-passwords";

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
        return BreachedPasswords.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return BreachedPasswordsFactory.class;
    }
}
