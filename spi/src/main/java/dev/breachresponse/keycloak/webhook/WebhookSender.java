package dev.breachresponse.keycloak.webhook;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;

/**
 * Wakes the webhook sender of this node ({@link WebhookDeliveries}): it sends what is due on Keycloak's executor, one
 * drain at a time, and returns at once. Woken after every commit that queued deliveries and on the job worker's poll
 * (retries).
 */
public interface WebhookSender extends Provider {

    /** Asks the sender for a pass over the due deliveries; returns at once. */
    void kick();

    /** {@link #kick()} without a session. */
    static void kick(KeycloakSessionFactory factory) {
        ((WebhookSenderFactory) factory.getProviderFactory(WebhookSender.class)).kick();
    }

    @Override
    default void close() {
        // the factory holds the sender
    }
}
