package dev.breachresponse.keycloak.revocation;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;

/**
 * Wakes the back-channel logout sender of this node ({@link BackchannelLogouts}): it sends what is due on Keycloak's
 * executor, one drain at a time, and returns at once.
 */
public interface LogoutSender extends Provider {

    /** Asks the sender for a pass over the due logouts; returns at once. */
    void kick();

    /** {@link #kick()} without a session (the job worker's poll retries failed logouts through this). */
    static void kick(KeycloakSessionFactory factory) {
        ((LogoutSenderFactory) factory.getProviderFactory(LogoutSender.class)).kick();
    }

    @Override
    default void close() {
        // the factory holds the sender
    }
}
