package dev.breachresponse.keycloak.incident.jpa;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

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
    public Map<String, Long> lastSent(String realmId) {
        Map<String, Long> out = new HashMap<>();
        em.createQuery("select a from AlertStateEntity a where a.realmId = :realmId", AlertStateEntity.class)
                .setParameter("realmId", realmId)
                .getResultStream()
                .forEach(a -> out.put(a.getKind(), a.getSentAt()));
        return out;
    }

    @Override
    public boolean claim(String realmId, String kind, Long expected, long now) {
        AlertStateEntity a = em.find(AlertStateEntity.class, new AlertStateEntity.Key(realmId, kind), LockModeType.PESSIMISTIC_WRITE);
        if (a == null) {
            if (expected != null) {
                return false;
            }
            a = new AlertStateEntity();
            a.setRealmId(realmId);
            a.setKind(kind);
            a.setSentAt(now);
            // a second run inserting at the same moment fails on the primary key and rolls its own transaction back
            em.persist(a);
            em.flush();
            return true;
        }
        if (!Objects.equals(expected, a.getSentAt())) {
            return false;
        }
        a.setSentAt(now);
        em.flush();
        return true;
    }

    @Override
    public void release(String realmId, String kind, long claimedAt, Long previous) {
        AlertStateEntity a = em.find(AlertStateEntity.class, new AlertStateEntity.Key(realmId, kind), LockModeType.PESSIMISTIC_WRITE);
        if (a == null || a.getSentAt() != claimedAt) {
            return;
        }
        if (previous == null) {
            em.remove(a);
        } else {
            a.setSentAt(previous);
        }
        em.flush();
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
                        + " and (j.finishedAt >= :since or j.state in ('QUEUED', 'RUNNING')) group by j.incidentId, j.state", Object[].class)
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
        Map<String, Long> out = new HashMap<>();
        for (String[] outbox : new String[][] {{"reminders", "ReminderEntity"}, {"nudges", "NudgeEntity"}, {"logouts", "LogoutEntity"},
                {"webhooks", "WebhookDeliveryEntity"}}) {
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
