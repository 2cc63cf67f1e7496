package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One hygiene email (table BR_NUDGE): at most one per (realm, user, pass). */
@Entity
@Table(name = "BR_NUDGE")
@NamedQueries({
        @NamedQuery(name = "brNudgedInPass",
                query = "select n.userId from NudgeEntity n where n.realmId = :realmId and n.pass = :pass and n.userId in :userIds"),
        @NamedQuery(name = "brNudgeSendable",
                query = "select n.id from NudgeEntity n where (n.state = 'PENDING' or (n.state = 'FAILED' and n.attempts < :maxAttempts"
                        + " and n.nextAttemptAt <= :now)) order by n.createdAt, n.id"),
        @NamedQuery(name = "brNudgeSendableOfRealm",
                query = "select n.id from NudgeEntity n where n.realmId = :realmId and (n.state = 'PENDING' or (n.state = 'FAILED'"
                        + " and n.attempts < :maxAttempts and n.nextAttemptAt <= :now)) order by n.createdAt, n.id"),
        @NamedQuery(name = "brNudgeCounts",
                query = "select n.state, count(n) from NudgeEntity n where n.realmId = :realmId group by n.state"),
        @NamedQuery(name = "brNudgesOfRealm",
                query = "select n from NudgeEntity n where n.realmId = :realmId order by n.createdAt desc, n.id"),
        @NamedQuery(name = "brNudgesOfRealmByState",
                query = "select n from NudgeEntity n where n.realmId = :realmId and n.state = :state order by n.createdAt desc, n.id"),
        @NamedQuery(name = "brDeleteNudgesByUser",
                query = "delete from NudgeEntity n where n.realmId = :realmId and n.userId = :userId")
})
public class NudgeEntity extends OutboxRow {

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    @Column(name = "PASS", nullable = false)
    private int pass;

    /** What the email asks, comma-separated: mfa, password-age. */
    @Column(name = "ASKS", length = 64, nullable = false)
    private String asks;

    @Column(name = "DETAIL", length = 255)
    private String detail;

    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public int getPass() { return pass; }
    public void setPass(int pass) { this.pass = pass; }
    public String getAsks() { return asks; }
    public void setAsks(String asks) { this.asks = asks; }
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }
}
