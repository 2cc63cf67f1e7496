package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.jobs.JobService;
import dev.breachresponse.keycloak.jobs.JobSettings;

/**
 * {@code /me}: what the caller may do in this realm, so that a console can hide what it may not use (the API
 * enforces the rights all the same). Any admin of the realm may ask; others get 403.
 */
public final class MeResource {

    private final AdminContext ctx;
    private final KeycloakSession session;

    MeResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
    }

    /**
     * {@code {"realm", "viewUsers", "manageUsers", "viewRealm", "manageRealm", "limits": {"maxSubjects",
     * "maxBodyBytes"}}}: the rights from Keycloak's {@link AdminPermissionEvaluator} (realm-management roles, a
     * master-realm admin's roles on this realm, fine-grained permissions), the limits from the bulk API's server
     * options ({@link JobSettings}). 403 when the caller holds no admin role in the realm
     * ({@link AdminPermissionEvaluator#requireAnyAdminRole}).
     */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response me() {
        return Api.respond(session, () -> {
            AdminPermissionEvaluator auth = ctx.auth();
            auth.requireAnyAdminRole();
            ObjectNode json = Json.object();
            json.put("realm", ctx.realm().getName());
            json.put("viewUsers", auth.users().canView());
            json.put("manageUsers", auth.users().canManage());
            json.put("viewRealm", auth.realm().canViewRealm());
            json.put("manageRealm", auth.realm().canManageRealm());
            JobSettings settings = session.getProvider(JobService.class).settings();
            ObjectNode limits = json.putObject("limits");
            limits.put("maxSubjects", settings.maxSubjects());
            limits.put("maxBodyBytes", settings.maxBodyBytes());
            return AdminContext.ok(json);
        });
    }
}
