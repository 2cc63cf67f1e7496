package dev.breachresponse.keycloak.incident;

/**
 * The state of one webhook delivery (one event to one endpoint): PENDING → DELIVERED; or FAILED (tried again after a
 * growing wait) and, after the last attempt, DEAD; or CANCELLED when the endpoint was disabled before it was sent.
 */
public enum DeliveryState {
    PENDING, DELIVERED, FAILED, DEAD, CANCELLED
}
