package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * {@code /users/{userId}/flags}: every flag a user carries. Needs view-users first, so it is no enumeration
 * oracle for callers without it; flags of a user already deleted are gone with the user.
 */
public final class UserFlagsResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;

    UserFlagsResource(AdminContext ctx) {
        this.session = ctx.session();
        this.realm = ctx.realm();
        this.auth = ctx.auth();
    }

    @GET
    @Path("{userId}/flags")
    @Produces(MediaType.APPLICATION_JSON)
    public Response flags(@PathParam("userId") String userId) {
        return Api.respond(session, () -> {
            auth.users().requireView();
            UserModel user = session.users().getUserById(realm, userId);
            if (user == null) {
                throw ApiException.notFound("User " + userId);
            }
            auth.users().requireView(user);
            var flags = session.getProvider(IncidentStore.class).flagsOfUser(realm, user.getId());
            return Response.ok(Json.flags(flags).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }
}
