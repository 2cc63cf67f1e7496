package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One accepted SET waiting to be applied (table BR_SSF_INBOX): its verified claims as JSON (never the compact token or
 * its signature), written with its replay entry and deleted in the transaction that applies it. A drainer leases rows
 * ({@code LEASE_OWNER}, {@code NOT_BEFORE}); a lease that runs out returns them to the next drain.
 */
@Entity
@Table(name = "BR_SSF_INBOX")
@NamedQueries({
        @NamedQuery(name = "brSsfInboxDue", query = "select i.id from SsfInboxEntity i where i.notBefore <= :now and i.receiverId in"
                + " (select r.id from SsfReceiverEntity r where r.enabled = true) order by i.receivedAt, i.id"),
        @NamedQuery(name = "brSsfInboxLease", query = "update SsfInboxEntity i set i.leaseOwner = :owner, i.notBefore = :until + cast(i.attempts as Long) * :step,"
                + " i.attempts = i.attempts + 1 where i.id in :ids and i.notBefore <= :now"),
        @NamedQuery(name = "brSsfInboxLeased", query = "select i from SsfInboxEntity i where i.leaseOwner = :owner order by i.receivedAt, i.id"),
        @NamedQuery(name = "brSsfInboxHeld", query = "select i from SsfInboxEntity i where i.id in :ids and i.leaseOwner = :owner"),
        @NamedQuery(name = "brSsfInboxDone", query = "delete from SsfInboxEntity i where i.id in :ids and i.leaseOwner = :owner"),
        @NamedQuery(name = "brSsfInboxPending", query = "select count(i), min(i.receivedAt), max(i.attempts) from SsfInboxEntity i"
                + " where i.receiverId = :receiverId"),
        @NamedQuery(name = "brSsfInboxDeleteOf", query = "delete from SsfInboxEntity i where i.receiverId = :receiverId")
})
public class SsfInboxEntity {

    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "RECEIVER_ID", length = 36, nullable = false)
    String receiverId;
    @Column(name = "RECEIVED_AT", nullable = false)
    long receivedAt;
    @Column(name = "DELIVERY", length = 8, nullable = false)
    String delivery;
    @Column(name = "SET_CLAIMS", nullable = false)
    String claims;
    @Column(name = "ATTEMPTS", nullable = false)
    int attempts;
    @Column(name = "LEASE_OWNER", length = 64)
    String leaseOwner;
    @Column(name = "NOT_BEFORE", nullable = false)
    long notBefore;
}
