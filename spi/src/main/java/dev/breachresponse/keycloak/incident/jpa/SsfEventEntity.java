package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** What one received SET did (table BR_SSF_EVENT); never the token or its payload. */
@Entity
@Table(name = "BR_SSF_EVENT")
@NamedQueries({
        @NamedQuery(name = "brSsfEventsOf", query = "select e from SsfEventEntity e where e.receiverId = :receiverId order by e.receivedAt desc, e.id desc"),
        @NamedQuery(name = "brSsfEventCounts", query = "select e.eventType, e.outcome, count(e) from SsfEventEntity e where e.receiverId = :receiverId"
                + " group by e.eventType, e.outcome"),
        @NamedQuery(name = "brSsfEventLast", query = "select max(e.receivedAt) from SsfEventEntity e where e.receiverId = :receiverId"
                + " and e.outcome <> 'REFUSED'"),
        @NamedQuery(name = "brSsfEventPurge", query = "delete from SsfEventEntity e where e.receivedAt < :before"),
        @NamedQuery(name = "brSsfEventDeleteOf", query = "delete from SsfEventEntity e where e.receiverId = :receiverId")
})
public class SsfEventEntity {

    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "RECEIVER_ID", length = 36, nullable = false)
    String receiverId;
    @Column(name = "RECEIVED_AT", nullable = false)
    long receivedAt;
    @Column(name = "DELIVERY", length = 8, nullable = false)
    String delivery;
    @Column(name = "JTI", length = 255)
    String jti;
    @Column(name = "EVENT_TYPE", length = 255)
    String eventType;
    @Column(name = "SUBJECT_FORMAT", length = 32)
    String subjectFormat;
    @Column(name = "USER_ID", length = 255)
    String userId;
    @Column(name = "OUTCOME", length = 16, nullable = false)
    String outcome;
    @Column(name = "ERR", length = 32)
    String err;
    @Column(name = "DETAIL", length = 255)
    String detail;
}
