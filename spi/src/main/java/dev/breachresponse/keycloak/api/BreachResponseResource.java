package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.Path;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Root of the admin API; each sub-resource checks permissions on its first line. */
public final class BreachResponseResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final BulkFlags bulk;

    BreachResponseResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent,
                           BulkFlags bulk) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
        this.bulk = bulk;
    }

    @Path("incidents")
    public IncidentsResource incidents() {
        return new IncidentsResource(session, realm, auth, adminEvent, bulk);
    }

    @Path("jobs")
    public JobsResource jobs() {
        return new JobsResource(session, realm, auth, adminEvent);
    }

    @Path("")
    public SetupResource setup() {
        return new SetupResource(session, realm, auth, adminEvent);
    }

    @Path("users")
    public UserFlagsResource users() {
        return new UserFlagsResource(session, realm, auth);
    }
}
