package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * Staged webhook events of one type for one endpoint (table BR_WEBHOOK_BATCH): what a bulk chunk queues instead of a
 * delivery row per event; {@code events} holds one line per event, {@code <user id>\t<body>} (the body is JSON, which
 * has no raw tab or line break). Turned into delivery rows by {@link JpaWebhooks#expandStaged}; {@code state} is PENDING,
 * CANCELLED (the endpoint was disabled: expanded as CANCELLED deliveries) or DEAD (could not be expanded; counted as
 * DEAD deliveries and made PENDING again by the endpoint's retry).
 */
@Entity
@Table(name = "BR_WEBHOOK_BATCH")
@NamedQueries({
        @NamedQuery(name = "brWebhookBatchOldest",
                query = "select b.id from WebhookBatchEntity b where b.state in ('PENDING', 'CANCELLED') order by b.createdAt, b.id"),
        @NamedQuery(name = "brWebhookBatchRetryDead",
                query = "update WebhookBatchEntity b set b.state = 'PENDING' where b.webhookId = :webhookId and b.state = 'DEAD'"),
        @NamedQuery(name = "brWebhookBatchCancel",
                query = "update WebhookBatchEntity b set b.state = 'CANCELLED' where b.webhookId = :webhookId and b.state = 'PENDING'"),
        @NamedQuery(name = "brWebhookBatchDeleteOf", query = "delete from WebhookBatchEntity b where b.webhookId = :webhookId"),
        @NamedQuery(name = "brWebhookBatchCounts",
                query = "select b.state, sum(b.eventCount) from WebhookBatchEntity b where b.webhookId = :webhookId group by b.state"),
        @NamedQuery(name = "brWebhookBatchPending", query = "select sum(b.eventCount) from WebhookBatchEntity b where b.state = 'PENDING'")
})
public class WebhookBatchEntity {

    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "WEBHOOK_ID", length = 36, nullable = false)
    String webhookId;
    @Column(name = "EVENT_TYPE", length = 64, nullable = false)
    String eventType;
    @Column(name = "STATE", length = 16, nullable = false)
    String state;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
    @Column(name = "EVENT_COUNT", nullable = false)
    int eventCount;
    @Column(name = "EVENTS", nullable = false)
    String events;
}
