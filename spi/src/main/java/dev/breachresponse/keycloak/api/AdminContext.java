package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import com.fasterxml.jackson.databind.JsonNode;

import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * What every resource of one admin request shares: the session, the target realm, the caller's rights (Keycloak's
 * {@link AdminPermissionEvaluator}) and the request's admin-event builder.
 */
record AdminContext(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {

    IncidentStore store() {
        return session.getProvider(IncidentStore.class);
    }

    /**
     * The request's admin-event builder with this resource's type set, as Keycloak's own resources set theirs
     * once in their constructor.
     */
    AdminEventBuilder events(BreachResourceType type) {
        return adminEvent.resource(type.name());
    }

    /** Records a successful write on the request URI with {@code representation} (never holding secrets). */
    void success(AdminEventBuilder events, OperationType op, JsonNode representation) {
        events.operation(op).resourcePath(session.getContext().getUri()).representation(representation).success();
    }

    static Response ok(JsonNode json) {
        return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
