package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import dev.breachresponse.keycloak.incident.OutboxState;

/**
 * What the three outboxes (reminders, hygiene emails, back-channel logouts) share: one row per message, PENDING →
 * SENT, or FAILED (tried again while attempts remain), or CANCELLED, with the delivery bookkeeping.
 */
@MappedSuperclass
public abstract class OutboxRow {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "STATE", length = 16, nullable = false)
    private String state;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "SENT_AT")
    private Long sentAt;

    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    @Column(name = "NEXT_ATTEMPT_AT")
    private Long nextAttemptAt;

    @Column(name = "LAST_ERROR", length = 255)
    private String lastError;

    /** Delivered: SENT, counted as an attempt, nothing left to retry. */
    void delivered(long at) {
        state = OutboxState.SENT.name();
        sentAt = at;
        attempts++;
        nextAttemptAt = null;
        lastError = null;
    }

    /** Not delivered: FAILED with the error (clipped to the column), tried again from {@code retryAt}. */
    void failed(String error, long retryAt) {
        state = OutboxState.FAILED.name();
        attempts++;
        nextAttemptAt = retryAt;
        lastError = error == null ? null : error.substring(0, Math.min(255, error.length()));
    }

    void cancelled() {
        state = OutboxState.CANCELLED.name();
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public Long getSentAt() { return sentAt; }
    public void setSentAt(Long sentAt) { this.sentAt = sentAt; }
    public int getAttempts() { return attempts; }
    public void setAttempts(int attempts) { this.attempts = attempts; }
    public Long getNextAttemptAt() { return nextAttemptAt; }
    public void setNextAttemptAt(Long nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; }
    public String getLastError() { return lastError; }
    public void setLastError(String lastError) { this.lastError = lastError; }
}
