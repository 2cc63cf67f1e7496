package dev.breachresponse.keycloak.jobs;

import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * Keycloak's admin permission evaluator for the admin who submitted a job, outside any HTTP request, built
 * the way Keycloak's own admin resources build it ({@code AdminRoot}: an {@link AdminAuth} from the caller's
 * token, then {@code AdminPermissions.evaluator(session, realm, auth)}). The token is made in memory and
 * carries exactly the roles the admin holds on the realm's admin client ({@code realm-management} for an admin
 * of the realm itself, {@code <realm>-realm} of the master realm for a master admin) and in their own realm,
 * which is what their own token would carry.
 * <p>
 * Not {@code AdminPermissions.evaluator(session, realm, adminsRealm, admin)}: with admin permissions v2 on
 * Keycloak 26.5.x and 26.4.x it builds {@code MgmtPermissionsV2(session, adminsRealm, admin)}, which drops the
 * target realm and denies every user (fixed in 26.7.0); for a master admin it looks the admin client up in the
 * wrong realm on every version.
 */
public final class SubmitterRights {

    private SubmitterRights() {
    }

    /**
     * @param clientId the client the submitter's token was issued for at intake (its {@code azp}), or null for a job
     *                 accepted before it was kept: the token gets the same {@code azp}, which is what a fine-grained
     *                 admin permission's client policy compares ({@code kc.client.id}) and what Keycloak's identity takes
     *                 the client from; no other client is assumed
     */
    static AdminPermissionEvaluator evaluator(KeycloakSession session, RealmModel realm, RealmModel adminsRealm, UserModel admin,
                                              String clientId) {
        AccessToken token = new AccessToken();
        token.subject(admin.getId());
        ClientModel adminClient = adminsRealm.getId().equals(realm.getId())
                ? realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID)
                : realm.getMasterAdminClient();
        if (adminClient != null) {
            AccessToken.Access access = token.addAccess(adminClient.getClientId());
            adminClient.getRolesStream().filter(admin::hasRole).forEach(r -> access.addRole(r.getName()));
        }
        AccessToken.Access realmAccess = new AccessToken.Access();
        adminsRealm.getRolesStream().filter(admin::hasRole).forEach(r -> realmAccess.addRole(r.getName()));
        token.setRealmAccess(realmAccess);
        ClientModel issuedTo = clientId == null ? null : adminsRealm.getClientByClientId(clientId);
        if (clientId != null) {
            // as at intake: the same azp, and an id that names no lightweight token, so Keycloak's MgmtPermissions
            // (AuthenticationManager.resolveLightweightAccessTokenRoles) keeps the roles above; a token without an azp
            // makes Keycloak look a client up by a null client id, uncached, on every evaluator built (once per chunk)
            token.issuedFor(clientId);
            token.id(KeycloakModelUtils.generateId());
        }
        ClientModel client = issuedTo != null ? issuedTo
                : admin.getServiceAccountClientLink() != null
                ? adminsRealm.getClientById(admin.getServiceAccountClientLink())
                : adminsRealm.getClientByClientId(Constants.ADMIN_CLI_CLIENT_ID);
        if (client != null && session.getContext().getClient() == null) {
            // Keycloak's check of a master-realm admin who lacks a role reads the session context's client
            // (MgmtPermissions.hasOneAdminRole, AbstractOIDCProtocolMapper.getShouldUseLightweightToken): without one it
            // threw, and the job failed after three tries without its reason. The worker's session is the chunk's own.
            session.getContext().setClient(client);
        }
        return AdminPermissions.evaluator(session, realm, new AdminAuth(adminsRealm, token, admin, client));
    }

    /**
     * Realm-level rights to submit a bulk job, the same rule at intake (HTTP) and in the worker: {@code
     * manage-users}, or {@code query-users} when the realm uses fine-grained admin permissions (the worker then
     * checks each user). Decided from the submitter's roles only, never from which users exist.
     */
    public static boolean maySubmit(AdminPermissionEvaluator rights, RealmModel realm) {
        return rights.users().canManage() || (realm.isAdminPermissionsEnabled() && rights.users().canQuery());
    }
}
