package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The extension's realm defaults (table BR_REALM_CONFIG): one JSON document per realm. */
@Entity
@Table(name = "BR_REALM_CONFIG")
public class RealmConfigEntity {

    @Id
    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    @Column(name = "CONFIG", length = 4000, nullable = false)
    private String config;

    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    @Column(name = "UPDATED_BY", length = 300, nullable = false)
    private String updatedBy;

    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getConfig() { return config; }
    public void setConfig(String config) { this.config = config; }
    public long getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(long updatedAt) { this.updatedAt = updatedAt; }
    public String getUpdatedBy() { return updatedBy; }
    public void setUpdatedBy(String updatedBy) { this.updatedBy = updatedBy; }
}
