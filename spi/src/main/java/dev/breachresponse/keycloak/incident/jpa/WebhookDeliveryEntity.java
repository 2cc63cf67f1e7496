package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One event owed to one webhook endpoint (table BR_WEBHOOK_DELIVERY). {@code ID} is the Standard Webhooks message id
 * ({@code msg_…}), the same on every attempt. {@code PAYLOAD} is the body as sent, without the email (added when
 * sending, for endpoints that opted in, so no address is kept here); {@code USER_ID} names the user it is about.
 */
@Entity
@Table(name = "BR_WEBHOOK_DELIVERY")
@NamedQueries({
        @NamedQuery(name = "brWebhookDue",
                query = "select d.id from WebhookDeliveryEntity d where d.state = 'PENDING' or (d.state = 'FAILED'"
                        + " and d.nextAttemptAt <= :now) or (d.state = 'SENDING' and d.leaseUntil <= :now) order by d.createdAt, d.id"),
        @NamedQuery(name = "brWebhookClaim",
                query = "update WebhookDeliveryEntity d set d.state = 'SENDING', d.leaseOwner = :owner, d.leaseUntil = :until"
                        + " where d.id in :ids and (d.state = 'PENDING' or (d.state = 'FAILED' and d.nextAttemptAt <= :now)"
                        + " or (d.state = 'SENDING' and d.leaseUntil <= :now))"),
        @NamedQuery(name = "brWebhookClaimed",
                query = "select d from WebhookDeliveryEntity d where d.id in :ids and d.state = 'SENDING' and d.leaseOwner = :owner"
                        + " and d.leaseUntil = :until"),
        @NamedQuery(name = "brWebhookPurge",
                query = "delete from WebhookDeliveryEntity d where d.createdAt < :before and d.state in ('DELIVERED', 'DEAD', 'CANCELLED')"),
        @NamedQuery(name = "brWebhookLog",
                query = "select d from WebhookDeliveryEntity d where d.webhookId = :webhookId order by d.createdAt desc, d.id"),
        @NamedQuery(name = "brWebhookLogByState",
                query = "select d from WebhookDeliveryEntity d where d.webhookId = :webhookId and d.state = :state order by d.createdAt desc, d.id"),
        @NamedQuery(name = "brWebhookCounts",
                query = "select d.state, count(d) from WebhookDeliveryEntity d where d.webhookId = :webhookId group by d.state"),
        @NamedQuery(name = "brWebhookCancelOpen",
                query = "update WebhookDeliveryEntity d set d.state = 'CANCELLED', d.nextAttemptAt = null, d.lastError = :why"
                        + " where d.webhookId = :webhookId and d.state in ('PENDING', 'FAILED')"),
        @NamedQuery(name = "brWebhookRetryDead",
                query = "update WebhookDeliveryEntity d set d.state = 'PENDING', d.attempts = 0, d.nextAttemptAt = null"
                        + " where d.webhookId = :webhookId and d.state = 'DEAD'"),
        @NamedQuery(name = "brWebhookDeleteOf", query = "delete from WebhookDeliveryEntity d where d.webhookId = :webhookId")
})
public class WebhookDeliveryEntity {

    @Id
    @Column(name = "ID", length = 64)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "WEBHOOK_ID", length = 36, nullable = false)
    String webhookId;
    @Column(name = "EVENT_TYPE", length = 64, nullable = false)
    String eventType;
    @Column(name = "USER_ID", length = 255)
    String userId;
    @Column(name = "PAYLOAD", length = 4000, nullable = false)
    String payload;
    @Column(name = "STATE", length = 16, nullable = false)
    String state;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
    @Column(name = "SENT_AT")
    Long sentAt;
    @Column(name = "ATTEMPTS", nullable = false)
    int attempts;
    @Column(name = "NEXT_ATTEMPT_AT")
    Long nextAttemptAt;
    @Column(name = "LAST_STATUS")
    Integer lastStatus;
    @Column(name = "LAST_ERROR", length = 255)
    String lastError;
    /** The sender (node) that claimed the row, while SENDING. */
    @Column(name = "LEASE_OWNER", length = 64)
    String leaseOwner;
    /** Until when the claim holds (epoch ms); past it the row is due again. */
    @Column(name = "LEASE_UNTIL")
    Long leaseUntil;
}
