package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Where the hygiene walk of one realm stands (table BR_HYGIENE_WALK). */
@Entity
@Table(name = "BR_HYGIENE_WALK")
public class HygieneWalkEntity {

    @Id
    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    @Column(name = "PASS", nullable = false)
    private int pass;

    /** The last user id walked in the current pass; null between passes. */
    @Column(name = "CURSOR_ID", length = 36)
    private String cursorId;

    @Column(name = "PASS_STARTED_AT")
    private Long passStartedAt;

    @Column(name = "PASS_FINISHED_AT")
    private Long passFinishedAt;

    /** Users looked at in the current (or last) pass. */
    @Column(name = "WALKED", nullable = false)
    private long walked;

    /** Emails queued in the current (or last) pass. */
    @Column(name = "QUEUED", nullable = false)
    private long queued;

    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public int getPass() { return pass; }
    public void setPass(int pass) { this.pass = pass; }
    public String getCursorId() { return cursorId; }
    public void setCursorId(String cursorId) { this.cursorId = cursorId; }
    public Long getPassStartedAt() { return passStartedAt; }
    public void setPassStartedAt(Long passStartedAt) { this.passStartedAt = passStartedAt; }
    public Long getPassFinishedAt() { return passFinishedAt; }
    public void setPassFinishedAt(Long passFinishedAt) { this.passFinishedAt = passFinishedAt; }
    public long getWalked() { return walked; }
    public void setWalked(long walked) { this.walked = walked; }
    public long getQueued() { return queued; }
    public void setQueued(long queued) { this.queued = queued; }
}
