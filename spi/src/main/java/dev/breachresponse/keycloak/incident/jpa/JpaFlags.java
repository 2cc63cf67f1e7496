package dev.breachresponse.keycloak.incident.jpa;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagHistoryEntry;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Funnel;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * Flags (BR_FLAG) and their history (BR_FLAG_HISTORY); part of {@link JpaIncidentStore}. Every creation and state
 * change goes through {@link FlagWriter}; the rest reads.
 */
final class JpaFlags {

    private final EntityManager em;
    private final JpaIncidents incidents;
    private final FlagWriter writer;

    JpaFlags(EntityManager em, JpaIncidents incidents, WebhookQueue webhooks) {
        this.em = em;
        this.incidents = incidents;
        this.writer = new FlagWriter(em, webhooks);
    }

    public IncidentStore.FlagResult flag(RealmModel realm, Incident incident, String userId, Actor actor, String cause, boolean reflag) {
        IncidentEntity ie = incidents.openIncidentEntity(realm, incident);
        FlagEntity existing = flagEntity(ie.getId(), userId);
        if (existing != null) {
            FlagState state = FlagState.valueOf(existing.getState());
            if (state.isOpen() || !reflag) {
                return new IncidentStore.FlagResult(IncidentStore.FlagOutcome.ALREADY_FLAGGED, toFlag(existing));
            }
            Flag moved = transition(realm, existing.getId(), FlagState.INITIAL, actor, cause, null);
            return new IncidentStore.FlagResult(IncidentStore.FlagOutcome.REFLAGGED, moved);
        }
        return new IncidentStore.FlagResult(IncidentStore.FlagOutcome.FLAGGED, toFlag(writer.create(realm, ie, userId, actor, cause)));
    }

    public Map<String, FlagState> flagStates(RealmModel realm, Incident incident, Collection<String> userIds) {
        return CustomPlans.around(em, () -> existingFlags(realm, incident, userIds, LockModeType.NONE));
    }

    private Map<String, FlagState> existingFlags(RealmModel realm, Incident incident, Collection<String> userIds, LockModeType lock) {
        Map<String, FlagState> result = new HashMap<>();
        if (userIds.isEmpty()) {
            return result;
        }
        // By user alone, realm and incident filtered here: with the incident or the realm in the WHERE clause,
        // PostgreSQL's generic plan for this prepared statement (used after five runs, blind to the values) could
        // scan every flag of the incident or realm per chunk; IDX_BR_FLAG_USER_REALM makes it a probe per user.
        em.createQuery("select f.userId, f.state, f.incident.id, f.realmId from FlagEntity f where f.userId in :ids", Object[].class)
                .setParameter("ids", userIds)
                .setLockMode(lock)
                .getResultList()
                .stream()
                .filter(row -> incident.rowId().value().equals(row[2]) && realm.getId().equals(row[3]))
                .forEach(row -> result.put((String) row[0], FlagState.valueOf((String) row[1])));
        return result;
    }

    public Map<String, FlagState> flagBatch(RealmModel realm, Incident incident, List<String> userIds, Actor actor, String cause) {
        IncidentEntity ie = incidents.openIncidentEntity(realm, incident);
        Set<String> distinct = new LinkedHashSet<>(userIds);
        Map<String, FlagState> result;
        if (writer.skipsExistingOnInsert()) {
            // the insert skips the users flagged already; only theirs (usually none) are read, for their states
            Set<String> created = writer.createMissing(realm.getId(), ie, distinct, actor, cause);
            List<String> existing = distinct.stream().filter(id -> !created.contains(id)).toList();
            // a locking read: the insert met the newest committed flag, which MariaDB's REPEATABLE READ snapshot (taken
            // before a concurrent writer committed it) would not show; shared locks keep each state as read until commit
            result = existing.isEmpty() ? new HashMap<>()
                    : new HashMap<>(CustomPlans.around(em, () -> existingFlags(realm, incident, existing, LockModeType.PESSIMISTIC_READ)));
            if (result.size() != existing.size()) {
                // the flag the insert met is gone (its user was deleted meanwhile), or the row was skipped for another
                // reason: the caller's transaction is rolled back and the work retried
                throw new IllegalStateException("a flag met by the insert could not be read back in incident " + incident.key());
            }
        } else {
            result = new HashMap<>(flagStates(realm, incident, distinct));
            List<String> fresh = distinct.stream().filter(id -> !result.containsKey(id)).toList();
            writer.createAll(realm.getId(), ie, fresh, actor, cause);
        }
        Map<String, FlagState> ordered = new LinkedHashMap<>();
        distinct.forEach(id -> ordered.put(id, result.get(id)));
        return ordered;
    }

    public Optional<Flag> lockFlag(RealmModel realm, String flagId) {
        try {
            return Optional.of(toFlag(writer.lock(realm, flagId)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public Flag transition(RealmModel realm, String flagId, FlagState next, Actor actor, String cause, String detail) {
        return toFlag(writer.move(writer.lock(realm, flagId), next, actor, cause, detail));
    }

    public Flag recordStepUp(RealmModel realm, String flagId, String factor, boolean enrolled, Actor actor) {
        FlagEntity f = writer.lock(realm, flagId);
        if (f.state() == FlagState.FLAGGED) {
            stepUp(f, factor, enrolled, actor, writer.nextSeq(f.getId()));
            em.flush();
        }
        return toFlag(f);
    }

    public Flag recordStepUpAndRemediate(RealmModel realm, String flagId, String factor, boolean enrolled, boolean passwordRequired,
                                         Actor actor, String cause) {
        FlagEntity f = writer.lock(realm, flagId);
        // the flag is locked for this transaction: no one else numbers its history until the commit
        int seq = writer.nextSeq(f.getId());
        if (f.state() == FlagState.FLAGGED) {
            stepUp(f, factor, enrolled, actor, seq++);
        }
        if (f.state() == FlagState.STEPPED_UP && (!passwordRequired || f.getPasswordChangedAt() != null)) {
            writer.moveUnflushed(f, FlagState.REMEDIATED, actor, cause,
                    f.getStepUpFactor() == null ? null : "factor " + f.getStepUpFactor(), seq);
        }
        em.flush();
        return toFlag(f);
    }

    /** FLAGGED to STEPPED_UP on a locked flag, with the factor; written at the next flush. */
    private void stepUp(FlagEntity f, String factor, boolean enrolled, Actor actor, int seq) {
        f.setStepUpFactor(factor);
        writer.moveUnflushed(f, FlagState.STEPPED_UP, actor, enrolled ? "enrolled" : "step-up", factor, seq);
        if (enrolled) {
            f.setEnrolledAt(f.getSteppedUpAt());
        }
    }

    public Flag recordPasswordChange(RealmModel realm, String flagId, long changedAt, Actor actor) {
        FlagEntity f = writer.lock(realm, flagId);
        if (!f.state().isOpen() || f.getPasswordChangedAt() != null || changedAt < f.getFlaggedAt()) {
            return toFlag(f);
        }
        f.setPasswordChangedAt(changedAt);
        return toFlag(writer.note(f, actor, FlagHistoryEntry.PASSWORD_CHANGED, null));
    }

    public Flag recordGraceSkip(RealmModel realm, String flagId, Actor actor) {
        FlagEntity f = writer.lock(realm, flagId);
        if (f.state() != FlagState.FLAGGED) {
            return toFlag(f);
        }
        f.setGraceSkips(f.getGraceSkips() + 1);
        return toFlag(writer.note(f, actor, FlagHistoryEntry.GRACE_SKIP, "skip " + f.getGraceSkips()));
    }

    public Flag recordEscalation(RealmModel realm, String flagId, List<String> actions, Actor actor) {
        FlagEntity f = writer.lock(realm, flagId);
        if (!f.state().isOpen()) {
            return toFlag(f);
        }
        f.setEscalatedAt(Time.currentTimeMillis());
        f.setEscalatedActions(String.join(",", actions));
        return toFlag(writer.note(f, actor, FlagHistoryEntry.ESCALATED, String.join(",", actions)));
    }

    public Optional<Flag> findFlag(RealmModel realm, IncidentKey incident, String userId) {
        IncidentEntity ie = incidents.incidentEntity(realm, incident);
        if (ie == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(flagEntity(ie.getId(), userId)).map(JpaFlags::toFlag);
    }

    public List<Flag> flagsOfUser(RealmModel realm, String userId) {
        return em.createNamedQuery("brFlagsByUser", FlagEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("userId", userId)
                .getResultStream()
                .map(JpaFlags::toFlag)
                .toList();
    }

    public List<IncidentStore.Exposure> openExposures(RealmModel realm, String userId) {
        return exposures(realm, userId, f -> FlagState.valueOf(f.getState()).isOpen());
    }

    public List<IncidentStore.Exposure> loginExposures(RealmModel realm, String userId) {
        return exposures(realm, userId, f -> FlagState.valueOf(f.getState()).seenByLogin(JpaIncidents.OPEN.equals(f.getIncident().getStatus())));
    }

    /** The user's flags (one indexed query) that {@code keep} accepts, with their incidents. */
    private List<IncidentStore.Exposure> exposures(RealmModel realm, String userId, Predicate<FlagEntity> keep) {
        return em.createNamedQuery("brFlagsByUser", FlagEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("userId", userId)
                .getResultStream()
                .filter(keep)
                .map(f -> new IncidentStore.Exposure(toFlag(f), JpaIncidents.toIncident(f.getIncident())))
                .toList();
    }

    public List<FlagHistoryEntry> history(String flagId) {
        return em.createNamedQuery("brHistoryByFlag", FlagHistoryEntity.class)
                .setParameter("flagId", flagId)
                .getResultStream()
                .map(h -> new FlagHistoryEntry(
                        h.getSeq(),
                        FlagHistoryEntry.Kind.valueOf(h.getKind()),
                        h.getFromState() == null ? null : FlagState.valueOf(h.getFromState()),
                        h.getToState() == null ? null : FlagState.valueOf(h.getToState()),
                        h.getAt(),
                        Actor.parse(h.getActor()),
                        h.getCause(),
                        h.getDetail()))
                .toList();
    }

    public Funnel funnel(RealmModel realm, IncidentKey incident) {
        IncidentEntity ie = incidents.requireIncident(realm, incident);
        EnumMap<FlagState, Long> byState = new EnumMap<>(FlagState.class);
        long total = 0;
        long steppedUp = 0;
        long enrolled = 0;
        long passwordChanged = 0;
        for (Object[] row : em.createNamedQuery("brFlagFunnel", Object[].class).setParameter("incidentId", ie.getId()).getResultList()) {
            long n = ((Number) row[1]).longValue();
            byState.put(FlagState.valueOf((String) row[0]), n);
            total += n;
            steppedUp += ((Number) row[2]).longValue();
            enrolled += ((Number) row[3]).longValue();
            passwordChanged += ((Number) row[4]).longValue();
        }
        return new Funnel(total, byState, steppedUp, enrolled, passwordChanged);
    }

    public void recordObserved(RealmModel realm, List<String> flagIds, String reason, String ask) {
        if (flagIds.isEmpty()) {
            return;
        }
        List<String> ofRealm = flagIds.stream().filter(id -> {
            FlagEntity f = em.find(FlagEntity.class, id);
            return f != null && f.getRealmId().equals(realm.getId());
        }).toList();
        if (ofRealm.isEmpty()) {
            return;
        }
        em.createNamedQuery("brFlagObserve")
                .setParameter("now", Time.currentTimeMillis())
                .setParameter("reason", reason)
                .setParameter("ask", ask)
                .setParameter("ids", ofRealm)
                .executeUpdate();
    }

    public List<IncidentStore.Observed> observed(RealmModel realm, IncidentKey incident) {
        IncidentEntity ie = incidents.requireIncident(realm, incident);
        return em.createNamedQuery("brFlagObserved", Object[].class).setParameter("incidentId", ie.getId()).getResultStream()
                .map(row -> new IncidentStore.Observed((String) row[0], (String) row[1], ((Number) row[2]).longValue(),
                        row[3] == null ? 0 : ((Number) row[3]).longValue()))
                .toList();
    }

    public int removeUserFlags(RealmModel realm, String userId) {
        List<String> ids = em.createNamedQuery("brFlagIdsByUser", String.class)
                .setParameter("realmId", realm.getId())
                .setParameter("userId", userId)
                .getResultList();
        // hygiene rows hold no flag: remove them with the user (the sender would cancel them anyway)
        em.createNamedQuery("brDeleteNudgesByUser").setParameter("realmId", realm.getId()).setParameter("userId", userId).executeUpdate();
        if (ids.isEmpty()) {
            return 0;
        }
        // The database cascades too; deleting explicitly keeps Hibernate's persistence context honest.
        em.createNamedQuery("brDeleteHistoryByFlags").setParameter("flagIds", ids).executeUpdate();
        return em.createNamedQuery("brDeleteFlagsByUser")
                .setParameter("realmId", realm.getId())
                .setParameter("userId", userId)
                .executeUpdate();
    }

    private FlagEntity flagEntity(String incidentRowId, String userId) {
        return em.createNamedQuery("brFlagByIncidentAndUser", FlagEntity.class)
                .setParameter("incidentId", incidentRowId)
                .setParameter("userId", userId)
                .getResultStream()
                .findFirst()
                .orElse(null);
    }

    static Flag toFlag(FlagEntity f) {
        IncidentEntity i = f.getIncident();
        return new Flag(
                f.getId(),
                f.getRealmId(),
                new IncidentKey(i.getIncidentKey()),
                JpaIncidents.OPEN.equals(i.getStatus()),
                f.getUserId(),
                FlagState.valueOf(f.getState()),
                f.getFlaggedAt(),
                Actor.parse(f.getFlaggedBy()),
                f.getSteppedUpAt(),
                f.getPasswordChangedAt(),
                f.getRemediatedAt(),
                f.getDismissedAt(),
                Actor.parse(f.getDismissedBy()),
                f.getDismissReason(),
                f.getEnrolledAt(),
                f.getStepUpFactor(),
                f.getGraceSkips(),
                f.getEscalatedAt(),
                f.getEscalatedActions() == null || f.getEscalatedActions().isEmpty() ? List.of()
                        : List.of(f.getEscalatedActions().split(",")),
                f.getUpdatedAt());
    }
}
