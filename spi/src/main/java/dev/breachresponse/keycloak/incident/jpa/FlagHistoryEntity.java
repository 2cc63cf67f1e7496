package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One history entry of one flag (table BR_FLAG_HISTORY): a state change (KIND {@code TRANSITION}) or a note that
 * changed no state (KIND {@code NOTE}, no states); written only by {@link FlagWriter}. Deleted with its flag by
 * ON DELETE CASCADE.
 */
@Entity
@Table(name = "BR_FLAG_HISTORY")
@NamedQueries({
        @NamedQuery(name = "brHistoryByFlag",
                query = "select h from FlagHistoryEntity h where h.flagId = :flagId order by h.seq"),
        @NamedQuery(name = "brDeleteHistoryByFlags",
                query = "delete from FlagHistoryEntity h where h.flagId in :flagIds")
})
public class FlagHistoryEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "FLAG_ID", length = 36, nullable = false)
    private String flagId;

    /**
     * The flag's incident (BR_INCIDENT.ID), copied from the flag, which never changes incident: lets the daily
     * funnel and the incidents' last activity read one incident's history through IDX_BR_FLAG_HISTORY_INCIDENT
     * without a join over its flags.
     */
    @Column(name = "INCIDENT_ID", length = 36, nullable = false)
    private String incidentId;

    /** 0, 1, 2, … per flag, without gaps, in the order written. */
    @Column(name = "SEQ", nullable = false)
    private int seq;

    /** {@code TRANSITION} or {@code NOTE} ({@link dev.breachresponse.keycloak.incident.FlagHistoryEntry.Kind}). */
    @Column(name = "KIND", length = 16, nullable = false)
    private String kind;

    @Column(name = "FROM_STATE", length = 16)
    private String fromState;

    @Column(name = "TO_STATE", length = 16)
    private String toState;

    @Column(name = "CHANGED_AT", nullable = false)
    private long at;

    @Column(name = "ACTOR", length = 300, nullable = false)
    private String actor;

    @Column(name = "CAUSE", length = 64, nullable = false)
    private String cause;

    @Column(name = "DETAIL", length = 1024)
    private String detail;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getFlagId() { return flagId; }
    public void setFlagId(String flagId) { this.flagId = flagId; }
    public String getIncidentId() { return incidentId; }
    public void setIncidentId(String incidentId) { this.incidentId = incidentId; }
    public int getSeq() { return seq; }
    public void setSeq(int seq) { this.seq = seq; }
    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
    public String getFromState() { return fromState; }
    public void setFromState(String fromState) { this.fromState = fromState; }
    public String getToState() { return toState; }
    public void setToState(String toState) { this.toState = toState; }
    public long getAt() { return at; }
    public void setAt(long at) { this.at = at; }
    public String getActor() { return actor; }
    public void setActor(String actor) { this.actor = actor; }
    public String getCause() { return cause; }
    public void setCause(String cause) { this.cause = cause; }
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }
}
