package dev.breachresponse.keycloak.webhook;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * SPI "breach-webhook-sender": the node's webhook sender (one provider, "default", options in docs/webhooks.md). An
 * SPI so that the sender's state belongs to the Keycloak session factory, not to the JVM.
 */
public final class WebhookSenderSpi implements Spi {

    public static final String NAME = "breach-webhook-sender";

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
        return WebhookSender.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return WebhookSenderFactory.class;
    }
}
