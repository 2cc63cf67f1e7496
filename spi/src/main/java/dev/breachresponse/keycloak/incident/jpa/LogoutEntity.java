package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One back-channel logout owed to a client (table BR_LOGOUT): PENDING → SENT / FAILED / CANCELLED. */
@Entity
@Table(name = "BR_LOGOUT")
@NamedQueries({
        @NamedQuery(name = "brLogoutSendable",
                query = "select l.id from LogoutEntity l where l.state = 'PENDING' or (l.state = 'FAILED' and l.attempts < :maxAttempts"
                        + " and l.nextAttemptAt <= :now) order by l.createdAt, l.id"),
        @NamedQuery(name = "brLogoutPurge",
                query = "delete from LogoutEntity l where l.createdAt < :before and l.state <> 'PENDING'"),
        @NamedQuery(name = "brLogoutCounts",
                query = "select l.state, count(l) from LogoutEntity l where l.realmId = :realmId group by l.state")
})
public class LogoutEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** The client's internal id. */
    @Column(name = "CLIENT_ID", length = 36, nullable = false)
    private String clientId;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    @Column(name = "URL", length = 2048, nullable = false)
    private String url;

    /** The logout token's claims as built when the session was revoked; id, iat and exp are set when sending. */
    @Column(name = "CLAIMS", length = 4000, nullable = false)
    private String claims;

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

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getClaims() { return claims; }
    public void setClaims(String claims) { this.claims = claims; }
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
