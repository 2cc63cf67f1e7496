package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One Shared Signals receiver of a realm (table BR_SSF_RECEIVER). {@code SETTINGS} holds the admin's settings as JSON
 * (no secret); the client secret is kept as Keycloak keeps client secrets (or a vault reference), the push
 * credential only as its SHA-256.
 */
@Entity
@Table(name = "BR_SSF_RECEIVER")
@NamedQueries({
        @NamedQuery(name = "brSsfReceiversOfRealm", query = "select r from SsfReceiverEntity r where r.realmId = :realmId order by r.createdAt, r.id"),
        @NamedQuery(name = "brSsfReceiversDue", query = "select r.id from SsfReceiverEntity r where r.delivery = 'POLL' and r.enabled = true"
                + " and r.nextPollAt <= :now and (r.leaseUntil is null or r.leaseUntil < :now) order by r.nextPollAt"),
        @NamedQuery(name = "brSsfReceiverLease", query = "update SsfReceiverEntity r set r.leaseOwner = :owner, r.leaseUntil = :until"
                + " where r.id = :id and (r.leaseUntil is null or r.leaseUntil < :now)"),
        @NamedQuery(name = "brSsfReceiverRenew", query = "update SsfReceiverEntity r set r.leaseUntil = :until where r.id = :id and r.leaseOwner = :owner"),
        @NamedQuery(name = "brSsfReceiverLeaseDue", query = "update SsfReceiverEntity r set r.leaseOwner = :owner, r.leaseUntil = :until"
                + " where r.id = :id and r.enabled = true and r.nextPollAt <= :now and (r.leaseUntil is null or r.leaseUntil < :now)")
})
public class SsfReceiverEntity {

    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "ALIAS", length = 64, nullable = false)
    String alias;
    @Column(name = "SETTINGS", length = 4000, nullable = false)
    String settings;
    @Column(name = "ENABLED", nullable = false)
    boolean enabled;
    @Column(name = "DELIVERY", length = 8, nullable = false)
    String delivery;
    @Column(name = "CLIENT_SECRET", length = 512)
    String clientSecret;
    @Column(name = "PUSH_TOKEN_HASH", length = 64)
    String pushTokenHash;
    @Column(name = "STREAM_ID", length = 255)
    String streamId;
    @Column(name = "POLL_URL", length = 2048)
    String pollUrl;
    @Column(name = "STREAM_STATUS", length = 16)
    String streamStatus;
    @Column(name = "VERIFY_STATE", length = 64)
    String verifyState;
    @Column(name = "VERIFIED_AT")
    Long verifiedAt;
    @Column(name = "LAST_POLL_AT")
    Long lastPollAt;
    @Column(name = "LAST_ERROR", length = 255)
    String lastError;
    @Column(name = "KEYS_VERSION", nullable = false)
    int keysVersion;
    @Column(name = "FAILURES", nullable = false)
    int failures;
    @Column(name = "NEXT_POLL_AT")
    Long nextPollAt;
    @Column(name = "LEASE_OWNER", length = 64)
    String leaseOwner;
    @Column(name = "LEASE_UNTIL")
    Long leaseUntil;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
    @Column(name = "CREATED_BY", length = 255, nullable = false)
    String createdBy;
    @Column(name = "UPDATED_AT", nullable = false)
    long updatedAt;
}
