package dev.breachresponse.keycloak.incident.jpa;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.WebhookEvent;
import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.IncidentRowId;
import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.NewIncident;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.incident.PolicyCodec;

/** Incidents (BR_INCIDENT) and the realm's stored defaults (BR_REALM_CONFIG); part of {@link JpaIncidentStore}. */
final class JpaIncidents {

    static final String OPEN = "OPEN";
    static final String CLOSED = "CLOSED";

    private final EntityManager em;
    private final WebhookQueue webhooks;

    JpaIncidents(EntityManager em, WebhookQueue webhooks) {
        this.em = em;
        this.webhooks = webhooks;
    }

    public Optional<Incident> findIncident(RealmModel realm, IncidentRowId rowId) {
        IncidentEntity e = em.find(IncidentEntity.class, rowId.value());
        return e == null || !e.getRealmId().equals(realm.getId()) ? Optional.empty() : Optional.of(toIncident(e));
    }

    public IncidentStore.CreateResult createIncident(RealmModel realm, NewIncident n, Actor actor) {
        IncidentEntity existing = incidentEntity(realm, n.key());
        if (existing != null) {
            boolean same = n.requestHash() != null && n.requestHash().equals(existing.getRequestHash());
            return new IncidentStore.CreateResult(same ? IncidentStore.CreateOutcome.REPLAYED : IncidentStore.CreateOutcome.CONFLICT, toIncident(existing));
        }
        long now = Time.currentTimeMillis();
        IncidentEntity e = new IncidentEntity();
        e.setId(KeycloakModelUtils.generateId());
        e.setRealmId(realm.getId());
        e.setIncidentKey(n.key().value());
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
        webhooks.queue(realm.getId(), WebhookEvent.INCIDENT_OPENED, null, incidentEvent(e, actor));
        return new IncidentStore.CreateResult(IncidentStore.CreateOutcome.CREATED, toIncident(e));
    }

    public Optional<Incident> findIncident(RealmModel realm, IncidentKey key) {
        return Optional.ofNullable(incidentEntity(realm, key)).map(JpaIncidents::toIncident);
    }

    public List<Incident> listIncidents(RealmModel realm, int first, int max) {
        return em.createNamedQuery("brIncidentsByRealm", IncidentEntity.class)
                .setParameter("realmId", realm.getId())
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultStream()
                .map(JpaIncidents::toIncident)
                .toList();
    }

    public long countIncidents(RealmModel realm) {
        return em.createNamedQuery("brIncidentCountByRealm", Long.class)
                .setParameter("realmId", realm.getId())
                .getSingleResult();
    }

    public Incident updateIncident(RealmModel realm, IncidentKey key, String title, String description, Policy policy, Actor actor) {
        IncidentEntity e = requireIncident(realm, key);
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

    /**
     * Closes an incident for good: there is no re-opening. {@code UnflaggedMark} relies on that: closing hides the
     * incident's remediated flags from login ({@code FlagState.seenByLogin}), and a re-opening would show them again
     * without evicting the users' cached entries.
     */
    public Incident closeIncident(RealmModel realm, IncidentKey key, Actor actor) {
        IncidentEntity e = requireIncident(realm, key);
        if (OPEN.equals(e.getStatus())) {
            long now = Time.currentTimeMillis();
            e.setStatus(CLOSED);
            e.setClosedAt(now);
            e.setClosedBy(actor.asString());
            e.setUpdatedAt(now);
            em.flush();
            webhooks.queue(realm.getId(), WebhookEvent.INCIDENT_CLOSED, null, incidentEvent(e, actor));
        }
        return toIncident(e);
    }

    /** The {@code data} of an incident event: realm, incident key, title, status, who. */
    private static ObjectNode incidentEvent(IncidentEntity e, Actor actor) {
        ObjectNode d = WebhookQueue.data(e.getRealmId());
        d.put("incident", e.getIncidentKey());
        d.put("title", e.getTitle());
        d.put("status", e.getStatus());
        d.put("actor", actor.asString());
        return d;
    }

    public Optional<String> realmConfig(RealmModel realm) {
        return Optional.ofNullable(em.find(RealmConfigEntity.class, realm.getId())).map(RealmConfigEntity::getConfig);
    }

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

    IncidentEntity incidentEntity(RealmModel realm, IncidentKey key) {
        return em.createNamedQuery("brIncidentByKey", IncidentEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("key", key.value())
                .getResultStream()
                .findFirst()
                .orElse(null);
    }

    /** The incident's row, refusing one of another realm or one that is closed (it takes no new flags). */
    IncidentEntity openIncidentEntity(RealmModel realm, Incident incident) {
        IncidentEntity ie = em.find(IncidentEntity.class, incident.rowId().value());
        if (ie == null || !ie.getRealmId().equals(realm.getId())) {
            throw new IllegalArgumentException("incident " + incident.key() + " is not in realm " + realm.getName());
        }
        if (!OPEN.equals(ie.getStatus())) {
            throw new IllegalStateException("incident " + incident.key() + " is closed: it takes no new flags");
        }
        return ie;
    }

    IncidentEntity requireIncident(RealmModel realm, IncidentKey key) {
        IncidentEntity e = incidentEntity(realm, key);
        if (e == null) {
            throw new IllegalArgumentException("no incident " + key + " in realm " + realm.getName());
        }
        return e;
    }

    static Incident toIncident(IncidentEntity e) {
        List<String> exposed = Arrays.asList(e.getExposedData().split(","));
        return new Incident(
                new IncidentRowId(e.getId()),
                e.getRealmId(),
                new IncidentKey(e.getIncidentKey()),
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
}
