package dev.breachresponse.keycloak.workflow;

import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import jakarta.persistence.criteria.Subquery;
import jakarta.persistence.metamodel.EntityType;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.workflow.ResourceType;
import org.keycloak.models.workflow.WorkflowConditionProvider;
import org.keycloak.models.workflow.WorkflowExecutionContext;
import org.keycloak.models.workflow.WorkflowInvalidStateException;

import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.IncidentStore;

/** {@code is-breach-flagged[(incident key)]}: see {@link BreachFlaggedConditionFactory}. */
final class BreachFlaggedCondition implements WorkflowConditionProvider {

    /** The JPA entity name of BR_FLAG (the store's {@code FlagEntity}), reached through the metamodel, not its class. */
    static final String FLAG_ENTITY = "FlagEntity";

    private final KeycloakSession session;
    private final String incident;

    BreachFlaggedCondition(KeycloakSession session, String configParameter) {
        this.session = session;
        this.incident = configParameter == null || configParameter.isBlank() ? null : configParameter.strip();
    }

    @Override
    public ResourceType getSupportedResourceType() {
        return ResourceType.USERS;
    }

    @Override
    public boolean evaluate(WorkflowExecutionContext context) {
        RealmModel realm = session.getContext().getRealm();
        if (realm == null || context.getResourceId() == null) {
            return false;
        }
        return session.getProvider(IncidentStore.class).flagsOfUser(realm, context.getResourceId()).stream()
                .anyMatch(f -> f.state().isOpen() && (incident == null || incident.equals(f.incidentKey().value())));
    }

    /** For schedule-based workflows: users of the realm with an open flag (of the incident, when named). */
    @Override
    public Predicate toPredicate(CriteriaBuilder cb, CriteriaQuery<String> query, Root<?> user) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        EntityType<?> flagType = em.getMetamodel().getEntities().stream().filter(e -> FLAG_ENTITY.equals(e.getName())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the breach flag entity is not registered"));
        Subquery<Integer> sub = query.subquery(Integer.class);
        Root<?> flag = sub.from(flagType);
        List<String> open = List.of(FlagState.FLAGGED.name(), FlagState.STEPPED_UP.name());
        Predicate match = cb.and(cb.equal(flag.get("userId"), user.get("id")), flag.get("state").in(open),
                cb.equal(flag.get("realmId"), session.getContext().getRealm().getId()));
        if (incident != null) {
            match = cb.and(match, cb.equal(flag.get("incident").get("incidentKey"), incident));
        }
        sub.select(cb.literal(1)).where(match);
        return cb.exists(sub);
    }

    @Override
    public void validate() throws WorkflowInvalidStateException {
        if (incident != null && incident.length() > 64) {
            throw new WorkflowInvalidStateException("is-breach-flagged: an incident key has at most 64 characters");
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}
