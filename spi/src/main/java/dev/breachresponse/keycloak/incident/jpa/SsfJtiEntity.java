package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One accepted SET in the replay store (table BR_SSF_JTI): SHA-256 of receiver, issuer and jti; never the token. */
@Entity
@Table(name = "BR_SSF_JTI")
@NamedQueries({
        @NamedQuery(name = "brSsfJtiPurge", query = "delete from SsfJtiEntity j where j.expiresAt < :now"),
        @NamedQuery(name = "brSsfJtiDeleteOf", query = "delete from SsfJtiEntity j where j.receiverId = :receiverId")
})
public class SsfJtiEntity {

    @Id
    @Column(name = "ID", length = 64)
    String id;
    @Column(name = "RECEIVER_ID", length = 36, nullable = false)
    String receiverId;
    @Column(name = "EXPIRES_AT", nullable = false)
    long expiresAt;
}
