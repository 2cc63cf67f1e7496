package dev.breachresponse.keycloak.incident.jpa;

import java.io.Serializable;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A path where the backstop refused a flagged user's login (table BR_ENFORCEMENT_GAP). */
@Entity
@Table(name = "BR_ENFORCEMENT_GAP")
@IdClass(EnforcementGapEntity.Key.class)
@NamedQuery(name = "brGapsByRealm", query = "select g from EnforcementGapEntity g where g.realmId = :realmId order by g.lastSeenAt desc")
public class EnforcementGapEntity {

    @Id
    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    @Id
    @Column(name = "PATH", length = 255)
    private String path;

    @Column(name = "FIRST_SEEN_AT", nullable = false)
    private long firstSeenAt;

    @Column(name = "LAST_SEEN_AT", nullable = false)
    private long lastSeenAt;

    @Column(name = "REFUSED", nullable = false)
    private long refused;

    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getPath() { return path; }
    public void setPath(String path) { this.path = path; }
    public long getFirstSeenAt() { return firstSeenAt; }
    public void setFirstSeenAt(long firstSeenAt) { this.firstSeenAt = firstSeenAt; }
    public long getLastSeenAt() { return lastSeenAt; }
    public void setLastSeenAt(long lastSeenAt) { this.lastSeenAt = lastSeenAt; }
    public long getRefused() { return refused; }
    public void setRefused(long refused) { this.refused = refused; }

    /** Composite key (realm, path). */
    public static class Key implements Serializable {
        private String realmId;
        private String path;

        public Key() {
        }

        Key(String realmId, String path) {
            this.realmId = realmId;
            this.path = path;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(realmId, k.realmId) && Objects.equals(path, k.path);
        }

        @Override
        public int hashCode() {
            return Objects.hash(realmId, path);
        }
    }
}
