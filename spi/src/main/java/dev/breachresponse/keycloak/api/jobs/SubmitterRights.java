package dev.breachresponse.keycloak.api.jobs;

import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * Keycloak's admin permission evaluator for the admin who submitted a job, outside any HTTP request. An admin
 * of the same realm goes through Keycloak's user-based evaluator; an admin of the master realm gets an
 * in-memory token carrying exactly the roles the admin holds on the realm's admin client (what their own
 * token would carry), because Keycloak's user-based evaluator looks that client up in the wrong realm.
 */
final class SubmitterRights {

    private SubmitterRights() {
    }

    static AdminPermissionEvaluator evaluator(KeycloakSession session, RealmModel realm, RealmModel adminsRealm, UserModel admin) {
        if (adminsRealm.getId().equals(realm.getId())) {
            return AdminPermissions.evaluator(session, realm, adminsRealm, admin);
        }
        AccessToken token = new AccessToken();
        token.subject(admin.getId());
        ClientModel adminClient = realm.getMasterAdminClient();
        if (adminClient != null) {
            AccessToken.Access access = token.addAccess(adminClient.getClientId());
            adminClient.getRolesStream().filter(admin::hasRole).forEach(r -> access.addRole(r.getName()));
        }
        AccessToken.Access realmAccess = new AccessToken.Access();
        adminsRealm.getRolesStream().filter(admin::hasRole).forEach(r -> realmAccess.addRole(r.getName()));
        token.setRealmAccess(realmAccess);
        ClientModel client = admin.getServiceAccountClientLink() != null
                ? adminsRealm.getClientById(admin.getServiceAccountClientLink())
                : adminsRealm.getClientByClientId(Constants.ADMIN_CLI_CLIENT_ID);
        return AdminPermissions.evaluator(session, realm, new AdminAuth(adminsRealm, token, admin, client));
    }
}
