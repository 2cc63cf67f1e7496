package dev.breachresponse.keycloak.revocation;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * SPI "breach-logout-sender": the node's back-channel logout sender (one provider, "default"). An SPI so that the
 * sender's "one drain at a time" state belongs to the Keycloak session factory (its provider factory), not to the
 * JVM.
 */
public final class LogoutSenderSpi implements Spi {

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "breach-logout-sender";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return LogoutSender.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return LogoutSenderFactory.class;
    }
}
