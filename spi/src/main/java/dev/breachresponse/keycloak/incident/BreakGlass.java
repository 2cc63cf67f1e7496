package dev.breachresponse.keycloak.incident;

import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.RoleUtils;


/**
 * Membership of the realm's break-glass exclusions ({@link RealmSettings.BreakGlass}): a role held directly, through
 * a composite or through a group ({@link UserModel#hasRole}), or membership of a group or one of its subgroups
 * ({@link RoleUtils#isMember}). Names that resolve to nothing count for no one ({@code PUT /config} refuses them; a role
 * or group deleted later simply stops counting; {@code GET /setup} shows the names in force).
 */
public final class BreakGlass {

    private BreakGlass() {
    }

    public static boolean isMember(KeycloakSession session, RealmModel realm, UserModel user, RealmSettings.BreakGlass exclusions) {
        if (exclusions.isEmpty()) {
            return false;
        }
        for (String name : exclusions.roles()) {
            RoleModel role = role(realm, name);
            if (role != null && user.hasRole(role)) {
                return true;
            }
        }
        for (String path : exclusions.groups()) {
            GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
            if (group != null && RoleUtils.isMember(user.getGroupsStream(), group)) {
                return true;
            }
        }
        return false;
    }

    /** {@code role} is a realm role, {@code clientId/role} a client role (the last slash splits: client ids may be URLs). */
    public static RoleModel role(RealmModel realm, String name) {
        int slash = name.lastIndexOf('/');
        if (slash < 0) {
            return realm.getRole(name);
        }
        ClientModel client = realm.getClientByClientId(name.substring(0, slash));
        return client == null ? null : client.getRole(name.substring(slash + 1));
    }

    /** Whether a configured group path names an existing group. */
    public static boolean groupExists(KeycloakSession session, RealmModel realm, String path) {
        return KeycloakModelUtils.findGroupByPath(session, realm, path) != null;
    }
}
