package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** One third-party exposure in one realm (table BR_INCIDENT). Only {@code JpaIncidentStore} touches it. */
@Entity
@Table(name = "BR_INCIDENT")
@NamedQueries({
        @NamedQuery(name = "brIncidentByKey",
                query = "select i from IncidentEntity i where i.realmId = :realmId and i.incidentKey = :key"),
        @NamedQuery(name = "brIncidentsByRealm",
                query = "select i from IncidentEntity i where i.realmId = :realmId order by i.createdAt desc, i.id"),
        @NamedQuery(name = "brIncidentCountByRealm",
                query = "select count(i) from IncidentEntity i where i.realmId = :realmId")
})
public class IncidentEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "INCIDENT_KEY", length = 64, nullable = false)
    private String incidentKey;

    @Column(name = "TITLE", length = 255, nullable = false)
    private String title;

    @Column(name = "DESCRIPTION", length = 4000)
    private String description;

    @Column(name = "EXPOSED_DATA", length = 255, nullable = false)
    private String exposedData;

    @Column(name = "POLICY", length = 4000, nullable = false)
    private String policy;

    @Column(name = "REQUEST_HASH", length = 64)
    private String requestHash;

    @Column(name = "STATUS", length = 16, nullable = false)
    private String status;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "CREATED_BY", length = 300, nullable = false)
    private String createdBy;

    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    @Column(name = "CLOSED_AT")
    private Long closedAt;

    @Column(name = "CLOSED_BY", length = 300)
    private String closedBy;

    @Version
    @Column(name = "VERSION", nullable = false)
    private int version;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getIncidentKey() { return incidentKey; }
    public void setIncidentKey(String incidentKey) { this.incidentKey = incidentKey; }
    public String getTitle() { return title; }
    public void setTitle(String title) { this.title = title; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
    public String getExposedData() { return exposedData; }
    public void setExposedData(String exposedData) { this.exposedData = exposedData; }
    public String getPolicy() { return policy; }
    public void setPolicy(String policy) { this.policy = policy; }
    public String getRequestHash() { return requestHash; }
    public void setRequestHash(String requestHash) { this.requestHash = requestHash; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public String getCreatedBy() { return createdBy; }
    public void setCreatedBy(String createdBy) { this.createdBy = createdBy; }
    public long getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(long updatedAt) { this.updatedAt = updatedAt; }
    public Long getClosedAt() { return closedAt; }
    public void setClosedAt(Long closedAt) { this.closedAt = closedAt; }
    public String getClosedBy() { return closedBy; }
    public void setClosedBy(String closedBy) { this.closedBy = closedBy; }
    public int getVersion() { return version; }
}
