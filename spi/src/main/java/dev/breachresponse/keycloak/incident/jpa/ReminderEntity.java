package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
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
public class ReminderEntity extends OutboxRow {

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

    @Column(name = "DUE_AT", nullable = false)
    private long dueAt;

    @Column(name = "DETAIL", length = 255)
    private String detail;

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
    public long getDueAt() { return dueAt; }
    public void setDueAt(long dueAt) { this.dueAt = dueAt; }
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }
}
