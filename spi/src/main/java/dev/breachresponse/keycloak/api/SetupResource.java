package dev.breachresponse.keycloak.api;

import java.io.InputStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.authn.BreachSetup;
import dev.breachresponse.keycloak.authn.Enforcement;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.RealmSettingsCodec;

/**
 * {@code /setup} (POST, manage-realm): patch the realm's flows for breach enforcement, idempotently;
 * {@code /config} (GET view-realm, PUT manage-realm): the realm defaults.
 */
public final class SetupResource {

    static final String EVENT_RESOURCE_SETUP = "BREACH_SETUP";
    static final String EVENT_RESOURCE_CONFIG = "BREACH_CONFIG";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    SetupResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @POST
    @Path("setup")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setup() {
        return Api.respond(session, () -> {
            auth.realm().requireManageRealm();
            BreachSetup.Report report = new BreachSetup(session, realm).run();
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("changed", !report.changes().isEmpty());
            report.changes().forEach(json.putArray("changes")::add);
            report.warnings().forEach(json.putArray("notPatched")::add);
            json.put("adminEventsEnabled", report.adminEventsEnabled());
            ObjectNode flows = json.putObject("flows");
            report.flows().forEach(flows::put);
            if (!report.changes().isEmpty()) {
                adminEvent.operation(OperationType.UPDATE)
                        .resource(EVENT_RESOURCE_SETUP)
                        .resourcePath(session.getContext().getUri())
                        .representation(json)
                        .success();
            }
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @GET
    @Path("config")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getConfig() {
        return Api.respond(session, () -> {
            auth.realm().requireViewRealm();
            return Response.ok(RealmSettingsCodec.toJson(Enforcement.settings(session, realm)).toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @PUT
    @Path("config")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response putConfig(InputStream body) {
        return Api.respond(session, () -> {
            auth.realm().requireManageRealm();
            RealmSettings settings;
            try {
                settings = RealmSettingsCodec.read(Api.readSmallJson(body));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            ObjectNode json = RealmSettingsCodec.toJson(settings);
            session.getProvider(IncidentStore.class).saveRealmConfig(realm, json.toString(), Api.actor(auth));
            adminEvent.operation(OperationType.UPDATE)
                    .resource(EVENT_RESOURCE_CONFIG)
                    .resourcePath(session.getContext().getUri())
                    .representation(json)
                    .success();
            return Response.ok(json.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }
}
