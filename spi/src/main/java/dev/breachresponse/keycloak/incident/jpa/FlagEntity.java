package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.IllegalTransitionException;

/**
 * One user exposed in one incident (table BR_FLAG). USER_ID has no foreign key: federated users that are not
 * imported have no USER_ENTITY row; flags go on Keycloak's user-removed event instead.
 */
@Entity
@Table(name = "BR_FLAG")
@NamedQueries({
        @NamedQuery(name = "brFlagByIncidentAndUser",
                query = "select f from FlagEntity f where f.incident.id = :incidentId and f.userId = :userId"),
        @NamedQuery(name = "brFlagsByUser",
                query = "select f from FlagEntity f join fetch f.incident where f.realmId = :realmId and f.userId = :userId order by f.flaggedAt, f.id"),
        @NamedQuery(name = "brFlagIdsByUser",
                query = "select f.id from FlagEntity f where f.realmId = :realmId and f.userId = :userId"),
        @NamedQuery(name = "brFlagFunnel",
                query = "select f.state, count(f), count(f.steppedUpAt), count(f.enrolledAt), count(f.passwordChangedAt) from FlagEntity f where f.incident.id = :incidentId group by f.state"),
        @NamedQuery(name = "brFlagObserve",
                query = "update FlagEntity f set f.observedAt = :now, f.observedReason = :reason, f.observedAsk = :ask, f.observedLogins = f.observedLogins + 1 where f.id in :ids"),
        @NamedQuery(name = "brFlagObserved",
                query = "select f.observedReason, f.observedAsk, count(f), sum(f.observedLogins) from FlagEntity f where f.incident.id = :incidentId and f.observedAt is not null group by f.observedReason, f.observedAsk"),
        @NamedQuery(name = "brDueFlags",
                query = "select f from FlagEntity f join fetch f.incident where f.nextDueAt <= :now order by f.nextDueAt, f.id"),
        @NamedQuery(name = "brDueFlagsOfRealm",
                query = "select f from FlagEntity f join fetch f.incident where f.realmId = :realmId and f.nextDueAt <= :now"
                        + " order by f.nextDueAt, f.id"),
        @NamedQuery(name = "brDeleteFlagsByUser",
                query = "delete from FlagEntity f where f.realmId = :realmId and f.userId = :userId")
})
public class FlagEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "INCIDENT_ID", nullable = false)
    private IncidentEntity incident;

    @Column(name = "USER_ID", length = 255, nullable = false)
    private String userId;

    @Column(name = "STATE", length = 16, nullable = false)
    private String state;

    @Column(name = "FLAGGED_AT", nullable = false)
    private long flaggedAt;

    @Column(name = "FLAGGED_BY", length = 300, nullable = false)
    private String flaggedBy;

    @Column(name = "STEPPED_UP_AT")
    private Long steppedUpAt;

    @Column(name = "PASSWORD_CHANGED_AT")
    private Long passwordChangedAt;

    @Column(name = "REMEDIATED_AT")
    private Long remediatedAt;

    @Column(name = "DISMISSED_AT")
    private Long dismissedAt;

    @Column(name = "DISMISSED_BY", length = 300)
    private String dismissedBy;

    @Column(name = "DISMISS_REASON", length = 1024)
    private String dismissReason;

    @Column(name = "ENROLLED_AT")
    private Long enrolledAt;

    @Column(name = "STEP_UP_FACTOR", length = 64)
    private String stepUpFactor;

    @Column(name = "GRACE_SKIPS", nullable = false)
    private int graceSkips;

    @Column(name = "NEXT_DUE_AT")
    private Long nextDueAt;

    @Column(name = "ESCALATED_AT")
    private Long escalatedAt;

    @Column(name = "ESCALATED_ACTIONS", length = 255)
    private String escalatedActions;

    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    @Version
    @Column(name = "VERSION", nullable = false)
    private int version;

    @Column(name = "OBSERVED_AT")
    private Long observedAt;

    @Column(name = "OBSERVED_REASON", length = 16)
    private String observedReason;

    @Column(name = "OBSERVED_ASK", length = 32)
    private String observedAsk;

    @Column(name = "OBSERVED_LOGINS", nullable = false)
    private int observedLogins;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public IncidentEntity getIncident() { return incident; }
    public void setIncident(IncidentEntity incident) { this.incident = incident; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getState() { return state; }

    public FlagState state() {
        return FlagState.valueOf(state);
    }

    /** A new row takes the initial state (only {@link FlagWriter} creates flags). */
    void start() {
        if (state != null) {
            throw new IllegalStateException("flag " + id + " already has a state");
        }
        state = FlagState.INITIAL.name();
    }

    /**
     * The only way the state changes (called by {@link FlagWriter} on a locked row): refuses what the transition
     * table forbids.
     *
     * @throws IllegalTransitionException when {@code next} is not a legal move
     */
    void enter(FlagState next) {
        FlagState current = state();
        if (!current.canMoveTo(next)) {
            throw new IllegalTransitionException(current, next);
        }
        state = next.name();
    }
    public long getFlaggedAt() { return flaggedAt; }
    public void setFlaggedAt(long flaggedAt) { this.flaggedAt = flaggedAt; }
    public String getFlaggedBy() { return flaggedBy; }
    public void setFlaggedBy(String flaggedBy) { this.flaggedBy = flaggedBy; }
    public Long getSteppedUpAt() { return steppedUpAt; }
    public void setSteppedUpAt(Long steppedUpAt) { this.steppedUpAt = steppedUpAt; }
    public Long getPasswordChangedAt() { return passwordChangedAt; }
    public void setPasswordChangedAt(Long passwordChangedAt) { this.passwordChangedAt = passwordChangedAt; }
    public Long getRemediatedAt() { return remediatedAt; }
    public void setRemediatedAt(Long remediatedAt) { this.remediatedAt = remediatedAt; }
    public Long getDismissedAt() { return dismissedAt; }
    public void setDismissedAt(Long dismissedAt) { this.dismissedAt = dismissedAt; }
    public String getDismissedBy() { return dismissedBy; }
    public void setDismissedBy(String dismissedBy) { this.dismissedBy = dismissedBy; }
    public String getDismissReason() { return dismissReason; }
    public void setDismissReason(String dismissReason) { this.dismissReason = dismissReason; }
    public Long getEnrolledAt() { return enrolledAt; }
    public void setEnrolledAt(Long enrolledAt) { this.enrolledAt = enrolledAt; }
    public String getStepUpFactor() { return stepUpFactor; }
    public void setStepUpFactor(String stepUpFactor) { this.stepUpFactor = stepUpFactor; }
    public int getGraceSkips() { return graceSkips; }
    public void setGraceSkips(int graceSkips) { this.graceSkips = graceSkips; }
    public Long getNextDueAt() { return nextDueAt; }
    public void setNextDueAt(Long nextDueAt) { this.nextDueAt = nextDueAt; }
    public Long getEscalatedAt() { return escalatedAt; }
    public void setEscalatedAt(Long escalatedAt) { this.escalatedAt = escalatedAt; }
    public String getEscalatedActions() { return escalatedActions; }
    public void setEscalatedActions(String escalatedActions) { this.escalatedActions = escalatedActions; }
    public long getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(long updatedAt) { this.updatedAt = updatedAt; }
    public int getVersion() { return version; }
}
