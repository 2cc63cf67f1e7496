package dev.breachresponse.keycloak.incident;

import org.keycloak.provider.ProviderEvent;

/**
 * Published on the session factory after a transaction that queued webhook deliveries has committed, so the node's
 * sender wakes at once instead of at its next poll. Carries nothing: the sender reads what is due.
 */
public final class WebhooksQueued implements ProviderEvent {

    public static final WebhooksQueued INSTANCE = new WebhooksQueued();

    private WebhooksQueued() {
    }
}
