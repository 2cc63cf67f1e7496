package dev.breachresponse.keycloak.incident.jpa;

import java.io.Serializable;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** When a realm's last admin alert of one kind was sent, and the claim of one on its way (table BR_ALERT_STATE). */
@Entity
@Table(name = "BR_ALERT_STATE")
@IdClass(AlertStateEntity.Key.class)
public class AlertStateEntity {

    @Id
    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    @Id
    @Column(name = "KIND", length = 32)
    private String kind;

    @Column(name = "SENT_AT", nullable = false)
    private long sentAt;

    @Column(name = "PREVIOUS_SENT_AT")
    private Long previousSentAt;

    @Column(name = "CLAIMED_UNTIL")
    private Long claimedUntil;

    @Column(name = "SENDS", nullable = false)
    private long sends;

    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
    public long getSentAt() { return sentAt; }
    public void setSentAt(long sentAt) { this.sentAt = sentAt; }
    public Long getPreviousSentAt() { return previousSentAt; }
    public void setPreviousSentAt(Long previousSentAt) { this.previousSentAt = previousSentAt; }
    public Long getClaimedUntil() { return claimedUntil; }
    public void setClaimedUntil(Long claimedUntil) { this.claimedUntil = claimedUntil; }
    public long getSends() { return sends; }
    public void setSends(long sends) { this.sends = sends; }

    /** Composite key (realm, kind). */
    public static class Key implements Serializable {
        private String realmId;
        private String kind;

        public Key() {
        }

        Key(String realmId, String kind) {
            this.realmId = realmId;
            this.kind = kind;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(realmId, k.realmId) && Objects.equals(kind, k.kind);
        }

        @Override
        public int hashCode() {
            return Objects.hash(realmId, kind);
        }
    }
}
