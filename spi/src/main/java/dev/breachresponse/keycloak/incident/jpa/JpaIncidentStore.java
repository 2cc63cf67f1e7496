package dev.breachresponse.keycloak.incident.jpa;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagHistoryEntry;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Funnel;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.JobStore;
import dev.breachresponse.keycloak.incident.NewIncident;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.incident.PolicyCodec;

/** JPA implementation of the incident store; runs in the calling session's transaction. */
final class JpaIncidentStore implements IncidentStore {

    static final String OPEN = "OPEN";
    static final String CLOSED = "CLOSED";

    private final EntityManager em;
    private final JpaJobStore jobs;
    private final JpaReminderStore reminders;
    private final FlagWriter writer;

    JpaIncidentStore(EntityManager em) {
        this.em = em;
        this.writer = new FlagWriter(em);
        this.jobs = new JpaJobStore(em);
        this.reminders = new JpaReminderStore(em);
    }

    @Override
    public dev.breachresponse.keycloak.incident.ReminderStore reminders() {
        return reminders;
    }

    @Override
    public dev.breachresponse.keycloak.incident.HygieneStore hygiene() {
        return new JpaHygieneStore(em);
    }

    @Override
    public dev.breachresponse.keycloak.incident.EnforcementGaps gaps() {
        return new JpaEnforcementGaps(em);
    }

    @Override
    public List<StoredUser> storedUsers(String realmId, String key, java.util.Collection<String> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        // Email and id alone, realm checked here (see flagStates: with the realm in the WHERE clause a generic
        // plan may walk the realm's (REALM_ID, EMAIL_CONSTRAINT) index); usernames are unique per realm and
        // their index leads with the realm, so both columns go to the database.
        String where = switch (key) {
            case "EMAIL" -> "u.email in :v";
            case "ID" -> "u.id in :v";
            case "USERNAME" -> "u.realmId = :realmId and u.username in :v";
            default -> throw new IllegalArgumentException("unknown subject key " + key);
        };
        var q = em.createQuery("select u.id, u.username, u.email, u.federationLink, u.serviceAccountClientLink, u.realmId from UserEntity u where "
                + where, Object[].class).setParameter("v", values);
        if ("USERNAME".equals(key)) {
            q.setParameter("realmId", realmId);
        }
        List<StoredUser> out = new java.util.ArrayList<>(values.size());
        for (Object[] row : q.getResultList()) {
            if (realmId.equals(row[5])) {
                out.add(new StoredUser((String) row[0], (String) row[1], (String) row[2], (String) row[3], row[4] != null));
            }
        }
        return out;
    }

    @Override
    public java.util.Set<String> usersWithStoredSessions(String realmId, java.util.Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return java.util.Set.of();
        }
        // by user alone (its index leads with the user), the realm checked here: see flagStates
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Object[] row : em.createQuery("select s.userId, s.realmId from PersistentUserSessionEntity s where s.userId in :ids", Object[].class)
                .setParameter("ids", userIds).getResultList()) {
            if (realmId.equals(row[1])) {
                out.add((String) row[0]);
            }
        }
        return out;
    }

    @Override
    public int setNotBeforeOfStoredUsers(String realmId, java.util.Collection<String> userIds, int notBefore) {
        if (userIds.isEmpty()) {
            return 0;
        }
        return em.createQuery("update UserEntity u set u.notBefore = :nb where u.realmId = :realmId and u.id in :ids")
                .setParameter("nb", notBefore).setParameter("realmId", realmId).setParameter("ids", userIds).executeUpdate();
    }

    @Override
    public dev.breachresponse.keycloak.incident.LogoutOutbox logouts() {
        return new JpaLogoutOutbox(em);
    }

    @Override
    public Flag recordEscalation(RealmModel realm, String flagId, List<String> actions, Actor actor) {
        FlagEntity f = writer.lock(realm, flagId);
        if (!f.state().isOpen()) {
            return toFlag(f);
        }
        f.setEscalatedAt(Time.currentTimeMillis());
        f.setEscalatedActions(String.join(",", actions));
        return toFlag(writer.note(f, actor, FlagHistoryEntry.ESCALATED, String.join(",", actions)));
    }

    @Override
    public Funnel funnel(RealmModel realm, String incidentId) {
        IncidentEntity ie = requireIncident(realm, incidentId);
        java.util.EnumMap<FlagState, Long> byState = new java.util.EnumMap<>(FlagState.class);
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

    @Override
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

    @Override
    public List<Observed> observed(RealmModel realm, String incidentId) {
        IncidentEntity ie = requireIncident(realm, incidentId);
        return em.createNamedQuery("brFlagObserved", Object[].class).setParameter("incidentId", ie.getId()).getResultStream()
                .map(row -> new Observed((String) row[0], (String) row[1], ((Number) row[2]).longValue(),
                        row[3] == null ? 0 : ((Number) row[3]).longValue()))
                .toList();
    }

    @Override
    public JobStore jobs() {
        return jobs;
    }

    @Override
    public Optional<Incident> findIncidentByInternalId(RealmModel realm, String internalId) {
        IncidentEntity e = em.find(IncidentEntity.class, internalId);
        return e == null || !e.getRealmId().equals(realm.getId()) ? Optional.empty() : Optional.of(toIncident(e));
    }

    @Override
    public CreateResult createIncident(RealmModel realm, NewIncident n, Actor actor) {
        IncidentEntity existing = incidentEntity(realm, n.id());
        if (existing != null) {
            boolean same = n.requestHash() != null && n.requestHash().equals(existing.getRequestHash());
            return new CreateResult(same ? CreateOutcome.REPLAYED : CreateOutcome.CONFLICT, toIncident(existing));
        }
        long now = Time.currentTimeMillis();
        IncidentEntity e = new IncidentEntity();
        e.setId(KeycloakModelUtils.generateId());
        e.setRealmId(realm.getId());
        e.setIncidentKey(n.id());
        e.setTitle(n.title());
        e.setDescription(n.description());
        e.setExposedData(String.join(",", n.exposedData()));
        e.setPolicy(PolicyCodec.toJsonString(n.policy()));
        e.setRequestHash(n.requestHash());
        e.setStatus(OPEN);
        e.setCreatedAt(now);
        e.setCreatedBy(actor.asString());
        e.setUpdatedAt(now);
        em.persist(e);
        em.flush();
        return new CreateResult(CreateOutcome.CREATED, toIncident(e));
    }

    @Override
    public Optional<Incident> findIncident(RealmModel realm, String id) {
        return Optional.ofNullable(incidentEntity(realm, id)).map(JpaIncidentStore::toIncident);
    }

    @Override
    public List<Incident> listIncidents(RealmModel realm, int first, int max) {
        return em.createNamedQuery("brIncidentsByRealm", IncidentEntity.class)
                .setParameter("realmId", realm.getId())
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultStream()
                .map(JpaIncidentStore::toIncident)
                .toList();
    }

    @Override
    public long countIncidents(RealmModel realm) {
        return em.createNamedQuery("brIncidentCountByRealm", Long.class)
                .setParameter("realmId", realm.getId())
                .getSingleResult();
    }

    @Override
    public Incident updateIncident(RealmModel realm, String id, String title, String description, Policy policy, Actor actor) {
        IncidentEntity e = requireIncident(realm, id);
        if (title != null) {
            e.setTitle(title);
        }
        if (description != null) {
            e.setDescription(description);
        }
        if (policy != null) {
            e.setPolicy(PolicyCodec.toJsonString(policy));
        }
        e.setUpdatedAt(Time.currentTimeMillis());
        em.flush();
        return toIncident(e);
    }

    @Override
    public Incident closeIncident(RealmModel realm, String id, Actor actor) {
        IncidentEntity e = requireIncident(realm, id);
        if (OPEN.equals(e.getStatus())) {
            long now = Time.currentTimeMillis();
            e.setStatus(CLOSED);
            e.setClosedAt(now);
            e.setClosedBy(actor.asString());
            e.setUpdatedAt(now);
            em.flush();
        }
        return toIncident(e);
    }

    @Override
    public FlagResult flag(RealmModel realm, Incident incident, String userId, Actor actor, String cause, boolean reflag) {
        IncidentEntity ie = openIncidentEntity(realm, incident);
        FlagEntity existing = flagEntity(ie.getId(), userId);
        if (existing != null) {
            FlagState state = FlagState.valueOf(existing.getState());
            if (state.isOpen() || !reflag) {
                return new FlagResult(FlagOutcome.ALREADY_FLAGGED, toFlag(existing));
            }
            Flag moved = transition(realm, existing.getId(), FlagState.INITIAL, actor, cause, null);
            return new FlagResult(FlagOutcome.REFLAGGED, moved);
        }
        return new FlagResult(FlagOutcome.FLAGGED, toFlag(writer.create(realm, ie, userId, actor, cause)));
    }

    @Override
    public java.util.Map<String, FlagState> flagStates(RealmModel realm, Incident incident, java.util.Collection<String> userIds) {
        return CustomPlans.around(em, () -> existingFlags(realm, incident, userIds));
    }

    private java.util.Map<String, FlagState> existingFlags(RealmModel realm, Incident incident, java.util.Collection<String> userIds) {
        java.util.Map<String, FlagState> result = new java.util.HashMap<>();
        if (userIds.isEmpty()) {
            return result;
        }
        // By user alone, realm and incident filtered here: with the incident or the realm in the WHERE clause,
        // PostgreSQL's generic plan for this prepared statement (used after five runs, blind to the values) could
        // scan every flag of the incident or realm per chunk; IDX_BR_FLAG_USER_REALM makes it a probe per user.
        em.createQuery("select f.userId, f.state, f.incident.id, f.realmId from FlagEntity f where f.userId in :ids", Object[].class)
                .setParameter("ids", userIds)
                .getResultList()
                .stream()
                .filter(row -> incident.internalId().equals(row[2]) && realm.getId().equals(row[3]))
                .forEach(row -> result.put((String) row[0], FlagState.valueOf((String) row[1])));
        return result;
    }

    @Override
    public java.util.Map<String, FlagState> flagBatch(RealmModel realm, Incident incident, List<String> userIds, Actor actor, String cause) {
        IncidentEntity ie = openIncidentEntity(realm, incident);
        java.util.Set<String> distinct = new java.util.LinkedHashSet<>(userIds);
        java.util.Map<String, FlagState> result = new java.util.HashMap<>(flagStates(realm, incident, distinct));
        List<String> fresh = distinct.stream().filter(id -> !result.containsKey(id)).toList();
        writer.createAll(realm.getId(), ie, fresh, actor, cause);
        java.util.Map<String, FlagState> ordered = new java.util.LinkedHashMap<>();
        distinct.forEach(id -> ordered.put(id, result.get(id)));
        return ordered;
    }

    @Override
    public Flag transition(RealmModel realm, String flagId, FlagState next, Actor actor, String cause, String detail) {
        return toFlag(writer.move(writer.lock(realm, flagId), next, actor, cause, detail));
    }

    @Override
    public Optional<Flag> findFlag(RealmModel realm, String incidentId, String userId) {
        IncidentEntity ie = incidentEntity(realm, incidentId);
        if (ie == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(flagEntity(ie.getId(), userId)).map(JpaIncidentStore::toFlag);
    }

    @Override
    public List<Flag> flagsOfUser(RealmModel realm, String userId) {
        return em.createNamedQuery("brFlagsByUser", FlagEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("userId", userId)
                .getResultStream()
                .map(JpaIncidentStore::toFlag)
                .toList();
    }

    @Override
    public List<Exposure> openExposures(RealmModel realm, String userId) {
        return exposures(realm, userId, f -> FlagState.valueOf(f.getState()).isOpen());
    }

    @Override
    public List<Exposure> loginExposures(RealmModel realm, String userId) {
        return exposures(realm, userId, f -> {
            FlagState state = FlagState.valueOf(f.getState());
            return state.isOpen() || (state == FlagState.REMEDIATED && OPEN.equals(f.getIncident().getStatus()));
        });
    }

    /** The user's flags (one indexed query) that {@code keep} accepts, with their incidents. */
    private List<Exposure> exposures(RealmModel realm, String userId, java.util.function.Predicate<FlagEntity> keep) {
        return em.createNamedQuery("brFlagsByUser", FlagEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("userId", userId)
                .getResultStream()
                .filter(keep)
                .map(f -> new Exposure(toFlag(f), toIncident(f.getIncident())))
                .toList();
    }

    @Override
    public Flag recordStepUp(RealmModel realm, String flagId, String factor, boolean enrolled, Actor actor) {
        FlagEntity f = writer.lock(realm, flagId);
        if (f.state() != FlagState.FLAGGED) {
            return toFlag(f);
        }
        writer.move(f, FlagState.STEPPED_UP, actor, enrolled ? "enrolled" : "step-up", factor);
        f.setStepUpFactor(factor);
        if (enrolled) {
            f.setEnrolledAt(f.getSteppedUpAt());
        }
        em.flush();
        return toFlag(f);
    }

    @Override
    public Flag recordPasswordChange(RealmModel realm, String flagId, long changedAt, Actor actor) {
        FlagEntity f = writer.lock(realm, flagId);
        if (!f.state().isOpen() || f.getPasswordChangedAt() != null || changedAt < f.getFlaggedAt()) {
            return toFlag(f);
        }
        f.setPasswordChangedAt(changedAt);
        return toFlag(writer.note(f, actor, FlagHistoryEntry.PASSWORD_CHANGED, null));
    }

    @Override
    public Flag recordGraceSkip(RealmModel realm, String flagId, Actor actor) {
        FlagEntity f = writer.lock(realm, flagId);
        if (f.state() != FlagState.FLAGGED) {
            return toFlag(f);
        }
        f.setGraceSkips(f.getGraceSkips() + 1);
        return toFlag(writer.note(f, actor, FlagHistoryEntry.GRACE_SKIP, "skip " + f.getGraceSkips()));
    }

    @Override
    public Optional<String> realmConfig(RealmModel realm) {
        return Optional.ofNullable(em.find(RealmConfigEntity.class, realm.getId())).map(RealmConfigEntity::getConfig);
    }

    @Override
    public void saveRealmConfig(RealmModel realm, String json, Actor actor) {
        RealmConfigEntity e = em.find(RealmConfigEntity.class, realm.getId(), LockModeType.PESSIMISTIC_WRITE);
        boolean fresh = e == null;
        if (fresh) {
            e = new RealmConfigEntity();
            e.setRealmId(realm.getId());
        }
        e.setConfig(json);
        e.setUpdatedAt(Time.currentTimeMillis());
        e.setUpdatedBy(actor.asString());
        if (fresh) {
            em.persist(e);
        }
        em.flush();
    }

    @Override
    public List<Flag> flagsOfIncident(RealmModel realm, String incidentId, FlagState state, int first, int max) {
        IncidentEntity ie = incidentEntity(realm, incidentId);
        if (ie == null) {
            return List.of();
        }
        var q = state == null
                ? em.createNamedQuery("brFlagsByIncident", FlagEntity.class)
                : em.createNamedQuery("brFlagsByIncidentAndState", FlagEntity.class).setParameter("state", state.name());
        return q.setParameter("incidentId", ie.getId())
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultStream()
                .map(JpaIncidentStore::toFlag)
                .toList();
    }

    @Override
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

    @Override
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

    @Override
    public void close() {
        // the EntityManager belongs to Keycloak's JPA connection provider
    }

    private IncidentEntity incidentEntity(RealmModel realm, String id) {
        return em.createNamedQuery("brIncidentByKey", IncidentEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("key", id)
                .getResultStream()
                .findFirst()
                .orElse(null);
    }

    /** The incident's row, refusing one of another realm or one that is closed (it takes no new flags). */
    private IncidentEntity openIncidentEntity(RealmModel realm, Incident incident) {
        IncidentEntity ie = em.find(IncidentEntity.class, incident.internalId());
        if (ie == null || !ie.getRealmId().equals(realm.getId())) {
            throw new IllegalArgumentException("incident " + incident.id() + " is not in realm " + realm.getName());
        }
        if (!OPEN.equals(ie.getStatus())) {
            throw new IllegalStateException("incident " + incident.id() + " is closed: it takes no new flags");
        }
        return ie;
    }

    private IncidentEntity requireIncident(RealmModel realm, String id) {
        IncidentEntity e = incidentEntity(realm, id);
        if (e == null) {
            throw new IllegalArgumentException("no incident " + id + " in realm " + realm.getName());
        }
        return e;
    }

    private FlagEntity flagEntity(String incidentInternalId, String userId) {
        return em.createNamedQuery("brFlagByIncidentAndUser", FlagEntity.class)
                .setParameter("incidentId", incidentInternalId)
                .setParameter("userId", userId)
                .getResultStream()
                .findFirst()
                .orElse(null);
    }

    static Incident toIncident(IncidentEntity e) {
        List<String> exposed = Arrays.asList(e.getExposedData().split(","));
        return new Incident(
                e.getId(),
                e.getRealmId(),
                e.getIncidentKey(),
                e.getTitle(),
                e.getDescription(),
                List.copyOf(exposed),
                PolicyCodec.fromStored(e.getPolicy(), exposed),
                OPEN.equals(e.getStatus()),
                e.getCreatedAt(),
                Actor.parse(e.getCreatedBy()),
                e.getUpdatedAt(),
                e.getClosedAt(),
                Actor.parse(e.getClosedBy()));
    }

    static Flag toFlag(FlagEntity f) {
        IncidentEntity i = f.getIncident();
        return new Flag(
                f.getId(),
                f.getRealmId(),
                i.getIncidentKey(),
                OPEN.equals(i.getStatus()),
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
