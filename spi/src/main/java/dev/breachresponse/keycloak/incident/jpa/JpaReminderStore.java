package dev.breachresponse.keycloak.incident.jpa;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.hibernate.Session;
import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.IncidentRowId;
import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.Reminder;
import dev.breachresponse.keycloak.incident.ReminderStore;
import dev.breachresponse.keycloak.incident.Incident;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;

/** JPA outbox; runs in the caller's transaction. */
final class JpaReminderStore implements ReminderStore {

    private final EntityManager em;

    /** Decoded incidents of this store's pages (the store lives for one session, i.e. one transaction). */
    private final Map<String, Incident> incidents = new HashMap<>();

    JpaReminderStore(EntityManager em) {
        this.em = em;
    }

    @Override
    public List<Due> dueFlags(String realmId, long now, int max) {
        // what the caller rescheduled so far must leave the due range before the next page is read
        em.flush();
        var q = realmId == null
                ? em.createNamedQuery("brDueFlags", FlagEntity.class)
                : em.createNamedQuery("brDueFlagsOfRealm", FlagEntity.class).setParameter("realmId", realmId);
        return q.setParameter("now", now)
                .setMaxResults(max)
                .getResultStream()
                // one decoded incident (and policy) per incident of the page, not one per flag
                .map(f -> new Due(JpaFlags.toFlag(f),
                        incidents.computeIfAbsent(f.getIncident().getId() + "@" + f.getIncident().getUpdatedAt() + f.getIncident().getStatus(), k -> JpaIncidents.toIncident(f.getIncident())), f.getNextDueAt()))
                .toList();
    }

    @Override
    public void writeInBatches(int size) {
        em.unwrap(Session.class).setJdbcBatchSize(size);
    }

    @Override
    public void scheduleNext(String flagId, Long nextDueAt) {
        FlagEntity f = em.find(FlagEntity.class, flagId);
        if (f != null) {
            f.setNextDueAt(nextDueAt);
        }
    }

    @Override
    public void create(Flag flag, IncidentRowId incident, int step, Reminder.Kind kind, OutboxState state, long dueAt, String detail) {
        ReminderEntity r = new ReminderEntity();
        r.setId(KeycloakModelUtils.generateId());
        r.setRealmId(flag.realmId());
        r.setFlagId(flag.id());
        r.setIncidentId(incident.value());
        r.setUserId(flag.userId());
        r.setStep(step);
        r.setKind(kind.name());
        r.setState(state.name());
        r.setDueAt(dueAt);
        long now = Time.currentTimeMillis();
        r.setCreatedAt(now);
        if (state == OutboxState.SENT) {
            r.setSentAt(now);
        }
        r.setDetail(detail);
        em.persist(r);
    }

    @Override
    public Set<String> remindedSince(String realmId, Collection<String> userIds, long since) {
        if (userIds.isEmpty()) {
            return java.util.Set.of();
        }
        return new HashSet<>(em.createNamedQuery("brRemindedUsersSince", String.class)
                .setParameter("realmId", realmId).setParameter("userIds", userIds).setParameter("since", since)
                .getResultList());
    }

    @Override
    public Set<String> existingSteps(Collection<String> flagIds) {
        if (flagIds.isEmpty()) {
            return java.util.Set.of();
        }
        Set<String> out = new HashSet<>();
        for (Object[] row : em.createNamedQuery("brReminderStepsOfFlags", Object[].class).setParameter("flagIds", flagIds).getResultList()) {
            out.add(row[0] + ":" + row[1]);
        }
        return out;
    }

    @Override
    public List<String> sendable(String realmId, long now, int maxAttempts, int max) {
        var q = realmId == null
                ? em.createNamedQuery("brReminderSendable", String.class)
                : em.createNamedQuery("brReminderSendableOfRealm", String.class).setParameter("realmId", realmId);
        return q.setParameter("now", now).setParameter("maxAttempts", maxAttempts)
                .setMaxResults(max).getResultList();
    }

    @Override
    public Optional<Reminder> lock(String id) {
        return Optional.ofNullable(em.find(ReminderEntity.class, id, LockModeType.PESSIMISTIC_WRITE)).map(JpaReminderStore::toReminder);
    }

    @Override
    public void markSent(String id, long at) {
        em.find(ReminderEntity.class, id).delivered(at);
    }

    @Override
    public void markFailed(String id, String error, long nextAttemptAt) {
        em.find(ReminderEntity.class, id).failed(error, nextAttemptAt);
    }

    @Override
    public void markCancelled(String id, String why) {
        ReminderEntity r = em.find(ReminderEntity.class, id);
        r.cancelled();
        r.setDetail(why);
    }

    @Override
    public List<Reminder> ofIncident(RealmModel realm, IncidentRowId incident, OutboxState state, int first, int max) {
        var q = state == null
                ? em.createNamedQuery("brRemindersOfIncident", ReminderEntity.class)
                : em.createNamedQuery("brRemindersOfIncidentByState", ReminderEntity.class).setParameter("state", state.name());
        return q.setParameter("realmId", realm.getId()).setParameter("incidentId", incident.value())
                .setFirstResult(first).setMaxResults(max)
                .getResultStream().map(JpaReminderStore::toReminder).toList();
    }

    @Override
    public Map<OutboxState, Long> countsOfIncident(IncidentRowId incident) {
        Map<OutboxState, Long> out = new EnumMap<>(OutboxState.class);
        for (OutboxState s : OutboxState.values()) {
            out.put(s, 0L);
        }
        for (Object[] row : em.createNamedQuery("brReminderCounts", Object[].class).setParameter("incidentId", incident.value()).getResultList()) {
            out.put(OutboxState.valueOf((String) row[0]), ((Number) row[1]).longValue());
        }
        return out;
    }

    static Reminder toReminder(ReminderEntity r) {
        return new Reminder(r.getId(), r.getRealmId(), r.getFlagId(), new IncidentRowId(r.getIncidentId()), r.getUserId(), r.getStep(),
                Reminder.Kind.valueOf(r.getKind()), OutboxState.valueOf(r.getState()), r.getDueAt(), r.getCreatedAt(),
                r.getSentAt(), r.getAttempts(), r.getNextAttemptAt(), r.getLastError(), r.getDetail());
    }
}
