package dev.breachresponse.keycloak.api;

import java.util.Map;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import dev.breachresponse.keycloak.support.KeycloakVersions;

/**
 * Served in place of the whole API (setup included) when the running Keycloak is outside the supported range
 * ({@link KeycloakVersions}): no bulk job would ever run and setup could half-work, so every call refuses.
 * Any admin of the realm (any admin role; others get 403 first) receives 409
 * {@code {"error": "unsupported_keycloak_version", "message", "runningVersion", "supportedVersions",
 * "minimumVersion", "belowVersion"}}.
 */
public final class UnsupportedVersionResource {

    static final String ERROR = "unsupported_keycloak_version";

    private final KeycloakSession session;
    private final AdminPermissionEvaluator auth;

    UnsupportedVersionResource(KeycloakSession session, AdminPermissionEvaluator auth) {
        this.session = session;
        this.auth = auth;
    }

    @GET
    @Path("{any: .*}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        return refuse();
    }

    @POST
    @Path("{any: .*}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response post() {
        return refuse();
    }

    @PUT
    @Path("{any: .*}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response put() {
        return refuse();
    }

    @DELETE
    @Path("{any: .*}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response delete() {
        return refuse();
    }

    private Response refuse() {
        return Api.respond(session, () -> {
            auth.requireAnyAdminRole();
            String running = KeycloakVersions.running();
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", ERROR, "message", KeycloakVersions.refusal(),
                            "runningVersion", running == null ? "unknown" : running,
                            "supportedVersions", KeycloakVersions.RANGE,
                            "minimumVersion", KeycloakVersions.MINIMUM, "belowVersion", KeycloakVersions.BELOW))
                    .build();
        });
    }
}
