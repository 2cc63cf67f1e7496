package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One bulk flag request (table BR_JOB). Its items live in BR_JOB_PAGE as submitted (one row per intake batch,
 * {@link ItemPages}) and in BR_JOB_RESULT once processed (a row per chunk), written and read with plain JDBC.
 */
@Entity
@Table(name = "BR_JOB")
public class JobEntity {

    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "INCIDENT_ID", length = 36, nullable = false)
    String incidentId;
    @Column(name = "STATE", length = 16, nullable = false)
    String state;
    @Column(name = "DRY_RUN", nullable = false)
    boolean dryRun;
    @Column(name = "IDEMPOTENCY_KEY", length = 255)
    String idempotencyKey;
    @Column(name = "REQUEST_HASH", length = 64)
    String requestHash;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
    @Column(name = "CREATED_BY", length = 300, nullable = false)
    String createdBy;
    @Column(name = "ADMIN_REALM_ID", length = 36, nullable = false)
    String adminRealmId;
    @Column(name = "ADMIN_USER_ID", length = 255, nullable = false)
    String adminUserId;
    @Column(name = "ADMIN_CLIENT_ID", length = 255)
    String adminClientId;
    @Column(name = "STARTED_AT")
    Long startedAt;
    @Column(name = "FINISHED_AT")
    Long finishedAt;
    @Column(name = "SUBMITTED", nullable = false)
    int submitted;
    @Column(name = "PROCESSED", nullable = false)
    int processed;
    @Column(name = "FLAGGED", nullable = false)
    int flagged;
    @Column(name = "ALREADY_FLAGGED", nullable = false)
    int alreadyFlagged;
    @Column(name = "NOT_FOUND", nullable = false)
    int notFound;
    @Column(name = "INVALID", nullable = false)
    int invalid;
    @Column(name = "AMBIGUOUS", nullable = false)
    int ambiguous;
    @Column(name = "SESSIONS_REVOKED", nullable = false)
    int sessionsRevoked;
    @Column(name = "LEASE_OWNER", length = 64)
    String leaseOwner;
    @Column(name = "LEASE_UNTIL")
    Long leaseUntil;
    @Column(name = "ERROR", length = 1024)
    String error;
    /** CSV header columns the intake did not read, one a line (names hold no control characters). */
    @Column(name = "IGNORED_COLUMNS", length = 2000)
    String ignoredColumns;
}
