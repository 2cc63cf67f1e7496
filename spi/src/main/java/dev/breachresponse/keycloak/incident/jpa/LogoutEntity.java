package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
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
        @NamedQuery(name = "brLogoutsOfRealm",
                query = "select l from LogoutEntity l where l.realmId = :realmId order by l.createdAt desc, l.id"),
        @NamedQuery(name = "brLogoutsOfRealmByState",
                query = "select l from LogoutEntity l where l.realmId = :realmId and l.state = :state order by l.createdAt desc, l.id"),
        @NamedQuery(name = "brLogoutCounts",
                query = "select l.state, count(l) from LogoutEntity l where l.realmId = :realmId group by l.state")
})
public class LogoutEntity extends OutboxRow {

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

    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getClaims() { return claims; }
    public void setClaims(String claims) { this.claims = claims; }
}
