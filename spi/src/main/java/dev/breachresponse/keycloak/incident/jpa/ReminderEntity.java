package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One outbox row (table BR_REMINDER): a reminder step or the escalation of one flag. */
@Entity
@Table(name = "BR_REMINDER")
@NamedQueries({
        @NamedQuery(name = "brRemindedUsersSince",
                query = "select distinct r.userId from ReminderEntity r where r.realmId = :realmId and r.userId in :userIds"
                        + " and r.kind = 'REMINDER' and r.createdAt >= :since and r.state <> 'CANCELLED'"),
        @NamedQuery(name = "brReminderStepsOfFlags",
                query = "select r.flagId, r.step from ReminderEntity r where r.flagId in :flagIds"),
        @NamedQuery(name = "brReminderSendable",
                query = "select r.id from ReminderEntity r where (r.state = 'PENDING' or (r.state = 'FAILED' and r.attempts < :maxAttempts"
                        + " and r.nextAttemptAt <= :now)) and r.kind = 'REMINDER' order by r.createdAt, r.id"),
        @NamedQuery(name = "brReminderSendableOfRealm",
                query = "select r.id from ReminderEntity r where r.realmId = :realmId and (r.state = 'PENDING' or (r.state = 'FAILED'"
                        + " and r.attempts < :maxAttempts and r.nextAttemptAt <= :now)) and r.kind = 'REMINDER' order by r.createdAt, r.id"),
        @NamedQuery(name = "brRemindersOfIncident",
                query = "select r from ReminderEntity r where r.realmId = :realmId and r.incidentId = :incidentId order by r.createdAt, r.id"),
        @NamedQuery(name = "brRemindersOfIncidentByState",
                query = "select r from ReminderEntity r where r.realmId = :realmId and r.incidentId = :incidentId and r.state = :state order by r.createdAt, r.id"),
        @NamedQuery(name = "brReminderCounts",
                query = "select r.state, count(r) from ReminderEntity r where r.incidentId = :incidentId group by r.state")
})
public class ReminderEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "FLAG_ID", length = 36, nullable = false)
    private String flagId;

    @Column(name = "INCIDENT_ID", length = 36, nullable = false)
    private String incidentId;

    @Column(name = "USER_ID", length = 255, nullable = false)
    private String userId;

    @Column(name = "STEP", nullable = false)
    private int step;

    @Column(name = "KIND", length = 16, nullable = false)
    private String kind;

    @Column(name = "STATE", length = 16, nullable = false)
    private String state;

    @Column(name = "DUE_AT", nullable = false)
    private long dueAt;

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

    @Column(name = "DETAIL", length = 255)
    private String detail;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getFlagId() { return flagId; }
    public void setFlagId(String flagId) { this.flagId = flagId; }
    public String getIncidentId() { return incidentId; }
    public void setIncidentId(String incidentId) { this.incidentId = incidentId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public int getStep() { return step; }
    public void setStep(int step) { this.step = step; }
    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public long getDueAt() { return dueAt; }
    public void setDueAt(long dueAt) { this.dueAt = dueAt; }
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
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }
}
