package dev.breachresponse.keycloak.incident.jpa;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.EntityManager;

import dev.breachresponse.keycloak.incident.AlertStore;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.JobState;

/** JPA store of admin alerts' last-sent times (BR_ALERT_STATE) and the counts they read. */
final class JpaAlertStore implements AlertStore {

    private final EntityManager em;

    JpaAlertStore(EntityManager em) {
        this.em = em;
    }

    @Override
    public Map<String, State> states(String realmId) {
        Map<String, State> out = new HashMap<>();
        for (Object[] row : em.createQuery("select a.kind, a.sentAt, a.claimedUntil, a.previousSentAt, a.sends from AlertStateEntity a"
                        + " where a.realmId = :realmId", Object[].class)
                .setParameter("realmId", realmId)
                .getResultList()) {
            out.put((String) row[0], new State(((Number) row[1]).longValue(), row[2] == null ? null : ((Number) row[2]).longValue(),
                    row[3] == null ? null : ((Number) row[3]).longValue(), ((Number) row[4]).longValue()));
        }
        return out;
    }

    @Override
    public void seed(String realmId, String kind, long sentAt) {
        AlertStateEntity a = new AlertStateEntity();
        a.setRealmId(realmId);
        a.setKind(kind);
        a.setSentAt(sentAt);
        em.persist(a);
        em.flush();
    }

    @Override
    public boolean claim(String realmId, String kind, long expected, long now, long claimedUntil) {
        return em.createQuery("update AlertStateEntity a set a.sentAt = :now, a.previousSentAt = :expected, a.claimedUntil = :until"
                        + " where a.realmId = :realmId and a.kind = :kind and a.sentAt = :expected and a.claimedUntil is null")
                .setParameter("now", now)
                .setParameter("expected", expected)
                .setParameter("until", claimedUntil)
                .setParameter("realmId", realmId)
                .setParameter("kind", kind)
                .executeUpdate() == 1;
    }

    @Override
    public boolean renew(String realmId, String kind, long claimedAt, long until) {
        return em.createQuery("update AlertStateEntity a set a.claimedUntil = :until"
                        + " where a.realmId = :realmId and a.kind = :kind and a.sentAt = :at and a.claimedUntil is not null")
                .setParameter("until", until)
                .setParameter("realmId", realmId)
                .setParameter("kind", kind)
                .setParameter("at", claimedAt)
                .executeUpdate() == 1;
    }

    @Override
    public void confirm(String realmId, String kind, long claimedAt) {
        em.createQuery("update AlertStateEntity a set a.claimedUntil = null, a.previousSentAt = null, a.sends = a.sends + 1"
                        + " where a.realmId = :realmId and a.kind = :kind and a.sentAt = :at and a.claimedUntil is not null")
                .setParameter("realmId", realmId)
                .setParameter("kind", kind)
                .setParameter("at", claimedAt)
                .executeUpdate();
    }

    // release and recover: MariaDB applies SET assignments left to right, so SENT_AT is restored before PREVIOUS_SENT_AT
    // is cleared; a claimed row always has PREVIOUS_SENT_AT (claim writes both)

    @Override
    public void release(String realmId, String kind, long claimedAt) {
        em.createQuery("update AlertStateEntity a set a.sentAt = a.previousSentAt, a.claimedUntil = null, a.previousSentAt = null"
                        + " where a.realmId = :realmId and a.kind = :kind and a.sentAt = :at and a.claimedUntil is not null")
                .setParameter("realmId", realmId)
                .setParameter("kind", kind)
                .setParameter("at", claimedAt)
                .executeUpdate();
    }

    @Override
    public int recover(String realmId, long now) {
        return em.createQuery("update AlertStateEntity a set a.sentAt = a.previousSentAt, a.claimedUntil = null, a.previousSentAt = null"
                        + " where a.realmId = :realmId and a.claimedUntil < :now")
                .setParameter("realmId", realmId)
                .setParameter("now", now)
                .executeUpdate();
    }

    @Override
    public long flaggedSince(String incidentRowId, String causePrefix, long since) {
        return em.createQuery("select count(h) from FlagHistoryEntity h where h.incidentId = :id and h.at >= :since and h.kind = 'TRANSITION'"
                        + " and h.toState = 'FLAGGED' and h.cause like :cause", Long.class)
                .setParameter("id", incidentRowId)
                .setParameter("since", since)
                .setParameter("cause", causePrefix + "%") // a constant of ours, without LIKE wildcards
                .getSingleResult();
    }

    @Override
    public Map<String, Map<FlagState, Long>> transitionsSince(Collection<String> incidentRowIds, long since) {
        Map<String, Map<FlagState, Long>> out = new HashMap<>();
        if (incidentRowIds.isEmpty()) {
            return out;
        }
        List<Object[]> rows = em.createQuery("select h.incidentId, h.toState, count(h) from FlagHistoryEntity h"
                        + " where h.incidentId in :ids and h.at >= :since and h.kind = 'TRANSITION' group by h.incidentId, h.toState",
                        Object[].class)
                .setParameter("ids", incidentRowIds)
                .setParameter("since", since)
                .getResultList();
        for (Object[] row : rows) {
            out.computeIfAbsent((String) row[0], k -> new EnumMap<>(FlagState.class))
                    .merge(FlagState.valueOf(String.valueOf(row[1])), ((Number) row[2]).longValue(), Long::sum);
        }
        return out;
    }

    @Override
    public Map<String, Map<JobState, Long>> jobsSince(String realmId, long since) {
        Map<String, Map<JobState, Long>> out = new HashMap<>();
        List<Object[]> rows = em.createQuery("select j.incidentId, j.state, count(j) from JobEntity j where j.realmId = :realmId"
                        + " and j.dryRun = false and (j.finishedAt >= :since or j.state in ('QUEUED', 'RUNNING')) group by j.incidentId, j.state", Object[].class)
                .setParameter("realmId", realmId)
                .setParameter("since", since)
                .getResultList();
        for (Object[] row : rows) {
            out.computeIfAbsent((String) row[0], k -> new EnumMap<>(JobState.class))
                    .put(JobState.valueOf((String) row[1]), ((Number) row[2]).longValue());
        }
        return out;
    }

    @Override
    public Map<String, Long> failedDeliveries(String realmId) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String[] outbox : JpaFlagReports.OUTBOXES) {
            long n = em.createQuery("select count(o) from " + outbox[1] + " o where o.realmId = :realmId and o.state in ('FAILED', 'DEAD')", Long.class)
                    .setParameter("realmId", realmId)
                    .getSingleResult();
            if (n > 0) {
                out.put(outbox[0], n);
            }
        }
        return out;
    }
}
