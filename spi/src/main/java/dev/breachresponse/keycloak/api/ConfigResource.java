package dev.breachresponse.keycloak.api;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.BreakGlass;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.RealmSettingsCodec;
import dev.breachresponse.keycloak.incident.StandingIncidents;

/**
 * {@code /config}: the realm's defaults for new incidents, enforcement, break-glass and the hygiene campaign
 * (GET view-realm, PUT manage-realm; shape in docs/api.md, {@code RealmSettingsCodec}).
 */
public final class ConfigResource {

    /** The id of the password policy {@code password.BreachedPasswordPolicyProviderFactory} registers. */
    static final String BREACHED_PASSWORD_POLICY = "breached-password";

    private final AdminContext ctx;
    private final KeycloakSession session;
    private final AdminEventBuilder events;

    ConfigResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.events = ctx.events(BreachResourceType.BREACH_CONFIG);
    }

    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getConfig() {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireViewRealm();
            return Response.ok(RealmSettingsCodec.toJson(Enforcement.settings(session, ctx.realm())).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @PUT
    @Path("")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response putConfig(InputStream body) {
        return Api.respond(session, () -> {
            ctx.auth().realm().requireManageRealm();
            RealmSettings settings;
            try {
                settings = RealmSettingsCodec.read(Api.readSmallJson(body));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            for (String role : settings.breakGlass().roles()) {
                if (BreakGlass.role(ctx.realm(), role) == null) {
                    throw ApiException.badRequest("breakGlass.roles: this realm has no role '" + role + "' (a realm role, or clientId/role for a client role)");
                }
            }
            for (String group : settings.breakGlass().groups()) {
                if (!BreakGlass.groupExists(session, ctx.realm(), group)) {
                    throw ApiException.badRequest("breakGlass.groups: this realm has no group '" + group + "' (a path such as /break-glass)");
                }
            }
            if (settings.breachedPasswords().checkAtLogin() && !ctx.realm().getPasswordPolicy().getPolicies().contains(BREACHED_PASSWORD_POLICY)) {
                // without it, a flagged user could set the same breached password again, and every login would re-flag them
                throw ApiException.badRequest("breachedPasswords.checkAtLogin needs the realm's password policy '" + BREACHED_PASSWORD_POLICY
                        + "' (Authentication > Policies > Password policy > Not a breached password), so that a breached password cannot be set again");
            }
            ObjectNode json = RealmSettingsCodec.toJson(settings);
            ctx.store().saveRealmConfig(ctx.realm(), json.toString(), Api.actor(ctx.auth()));
            Enforcement.settingsChanged(ctx.realm());
            if (settings.breachedPasswords().checkAtLogin()) {
                // created now, with the settings just saved, so that concurrent first hits at login find it
                StandingIncidents.breachedPasswords(session, ctx.realm(), Api.actor(ctx.auth()));
            }
            ctx.success(events, OperationType.UPDATE, json);
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }
}
