package dev.breachresponse.keycloak.incident.jpa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.HygieneStore;
import dev.breachresponse.keycloak.incident.Nudge;

/**
 * JPA hygiene store. The user pages read Keycloak's own USER_ENTITY and CREDENTIAL tables (its JPA entities,
 * read-only, by primary-key order) so that the walk is keyset-paged and costs no per-user provider calls.
 */
final class JpaHygieneStore implements HygieneStore {

    private final EntityManager em;

    JpaHygieneStore(EntityManager em) {
        this.em = em;
    }

    @Override
    public Map<String, String> realmConfigs() {
        Map<String, String> out = new HashMap<>();
        for (RealmConfigEntity e : em.createQuery("select c from RealmConfigEntity c", RealmConfigEntity.class).getResultList()) {
            out.put(e.getRealmId(), e.getConfig());
        }
        return out;
    }

    @Override
    public Walk lockWalk(String realmId) {
        HygieneWalkEntity w = em.find(HygieneWalkEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
        if (w == null) {
            w = new HygieneWalkEntity();
            w.setRealmId(realmId);
            // a second node inserting at the same moment fails on the primary key and rolls its tick back
            em.persist(w);
            em.flush();
        }
        return toWalk(w);
    }

    @Override
    public void saveWalk(String realmId, Walk walk) {
        HygieneWalkEntity w = em.find(HygieneWalkEntity.class, realmId);
        w.setPass(walk.pass());
        w.setCursorId(walk.cursorId());
        w.setPassStartedAt(walk.passStartedAt());
        w.setPassFinishedAt(walk.passFinishedAt());
        w.setWalked(walk.walked());
        w.setQueued(walk.queued());
    }

    @Override
    public Optional<Walk> walk(String realmId) {
        return Optional.ofNullable(em.find(HygieneWalkEntity.class, realmId)).map(JpaHygieneStore::toWalk);
    }

    private static Walk toWalk(HygieneWalkEntity w) {
        return new Walk(w.getPass(), w.getCursorId(), w.getPassStartedAt(), w.getPassFinishedAt(), w.getWalked(), w.getQueued());
    }

    @Override
    public List<UserRow> usersAfter(String realmId, String afterId, int max) {
        List<UserRow> out = new ArrayList<>();
        for (Object[] row : em.createQuery("select u.id, u.enabled, u.email from UserEntity u where u.realmId = :realmId and u.id > :after"
                        + " and u.serviceAccountClientLink is null order by u.id", Object[].class)
                .setParameter("realmId", realmId).setParameter("after", afterId == null ? "" : afterId)
                .setMaxResults(max).getResultList()) {
            String email = (String) row[2];
            out.add(new UserRow((String) row[0], (Boolean) row[1], email != null && !email.isBlank()));
        }
        return out;
    }

    @Override
    public Map<String, List<Credential>> credentials(Collection<String> userIds) {
        Map<String, List<Credential>> out = new HashMap<>();
        if (userIds.isEmpty()) {
            return out;
        }
        for (Object[] row : em.createQuery("select c.user.id, c.type, c.createdDate from CredentialEntity c where c.user.id in :ids", Object[].class)
                .setParameter("ids", userIds).getResultList()) {
            out.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add(new Credential((String) row[1], (Long) row[2]));
        }
        return out;
    }

    @Override
    public Set<String> withOpenFlags(String realmId, Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        // by user alone (IDX_BR_FLAG_USER_REALM), the realm checked here: see JpaFlags.flagStates
        Set<String> out = new HashSet<>();
        for (Object[] row : em.createQuery("select f.userId, f.realmId from FlagEntity f where f.userId in :ids"
                        + " and f.state in :open and f.incident.status = 'OPEN'", Object[].class)
                .setParameter("ids", userIds)
                .setParameter("open", FlagState.OPEN.stream().map(Enum::name).toList())
                .getResultList()) {
            if (realmId.equals(row[1])) {
                out.add((String) row[0]);
            }
        }
        return out;
    }

    @Override
    public Set<String> nudgedInPass(String realmId, int pass, Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(em.createNamedQuery("brNudgedInPass", String.class)
                .setParameter("realmId", realmId).setParameter("pass", pass).setParameter("userIds", userIds).getResultList());
    }

    @Override
    public void createNudge(String realmId, String userId, int pass, List<String> asks, long now) {
        NudgeEntity n = new NudgeEntity();
        n.setId(KeycloakModelUtils.generateId());
        n.setRealmId(realmId);
        n.setUserId(userId);
        n.setPass(pass);
        n.setAsks(String.join(",", asks));
        n.setState(OutboxState.PENDING.name());
        n.setCreatedAt(now);
        em.persist(n);
    }

    @Override
    public List<String> sendable(String realmId, long now, int maxAttempts, int max) {
        var q = realmId == null
                ? em.createNamedQuery("brNudgeSendable", String.class)
                : em.createNamedQuery("brNudgeSendableOfRealm", String.class).setParameter("realmId", realmId);
        return q.setParameter("now", now).setParameter("maxAttempts", maxAttempts).setMaxResults(max).getResultList();
    }

    @Override
    public Optional<Nudge> lock(String id) {
        return Optional.ofNullable(em.find(NudgeEntity.class, id, LockModeType.PESSIMISTIC_WRITE)).map(JpaHygieneStore::toNudge);
    }

    @Override
    public void markSent(String id, long at, List<String> asks) {
        NudgeEntity n = em.find(NudgeEntity.class, id);
        n.setAsks(String.join(",", asks));
        n.delivered(at);
    }

    @Override
    public void markFailed(String id, String error, long nextAttemptAt) {
        em.find(NudgeEntity.class, id).failed(error, nextAttemptAt);
    }

    @Override
    public void markCancelled(String id, String why) {
        NudgeEntity n = em.find(NudgeEntity.class, id);
        n.cancelled();
        n.setDetail(why);
    }

    @Override
    public Map<OutboxState, Long> counts(String realmId) {
        Map<OutboxState, Long> out = new EnumMap<>(OutboxState.class);
        for (OutboxState s : OutboxState.values()) {
            out.put(s, 0L);
        }
        for (Object[] row : em.createNamedQuery("brNudgeCounts", Object[].class).setParameter("realmId", realmId).getResultList()) {
            out.put(OutboxState.valueOf((String) row[0]), ((Number) row[1]).longValue());
        }
        return out;
    }

    @Override
    public List<Nudge> list(String realmId, OutboxState state, int first, int max) {
        var q = state == null
                ? em.createNamedQuery("brNudgesOfRealm", NudgeEntity.class)
                : em.createNamedQuery("brNudgesOfRealmByState", NudgeEntity.class).setParameter("state", state.name());
        return q.setParameter("realmId", realmId).setFirstResult(first).setMaxResults(max)
                .getResultStream().map(JpaHygieneStore::toNudge).toList();
    }

    static Nudge toNudge(NudgeEntity n) {
        return new Nudge(n.getId(), n.getRealmId(), n.getUserId(), n.getPass(), List.copyOf(Arrays.asList(n.getAsks().split(","))),
                OutboxState.valueOf(n.getState()), n.getCreatedAt(), n.getSentAt(), n.getAttempts(), n.getNextAttemptAt(),
                n.getLastError(), n.getDetail());
    }
}
