package dev.breachresponse.keycloak.it;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * TEST ONLY, never shipped: {@code DELETE /realms/{realm}/br-test-silent/users/{id}/credentials/{type}} removes a
 * user's stored credentials of one type straight through Keycloak's credential manager, without any user or
 * admin event, the way a realm import or a federation provider can make a factor disappear. Lets the tests prove
 * that login enforcement notices a missing factor by itself.
 */
public final class SilentCredentialRemovalFactory implements RealmResourceProviderFactory {

    public static final String ID = "br-test-silent";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new Resource(session);
            }

            @Override
            public void close() {
            }
        };
    }

    public static final class Resource {
        private final KeycloakSession session;

        Resource(KeycloakSession session) {
            this.session = session;
        }

        @DELETE
        @Path("users/{id}/credentials/{type}")
        public Response remove(@PathParam("id") String id, @PathParam("type") String type) {
            RealmModel realm = session.getContext().getRealm();
            UserModel user = session.users().getUserById(realm, id);
            if (user == null) {
                throw new NotFoundException();
            }
            user.credentialManager().getStoredCredentialsByTypeStream(type).toList()
                    .forEach(c -> user.credentialManager().removeStoredCredentialById(c.getId()));
            return Response.noContent().build();
        }
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
