package dev.breachresponse.keycloak.incident;

/**
 * The state of one webhook delivery (one event to one endpoint): PENDING → SENDING (claimed by a node's sender, with a
 * lease) → DELIVERED; or FAILED (tried again after a growing wait) and, after the last attempt, DEAD; or CANCELLED when
 * the endpoint was disabled or removed before it was sent. A SENDING row whose lease ran out is due again.
 */
public enum DeliveryState {
    PENDING, SENDING, DELIVERED, FAILED, DEAD, CANCELLED
}
