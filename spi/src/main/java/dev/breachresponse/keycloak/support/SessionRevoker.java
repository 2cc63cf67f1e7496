package dev.breachresponse.keycloak.support;

import java.util.List;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.light.LightweightUserAdapter;

/**
 * Ends everything a user already holds: sets the user's not-before (refresh and offline tokens issued before
 * it are rejected) and removes online and offline sessions. Access tokens already issued live until they
 * expire. Clients with an OIDC back-channel logout URL are told asynchronously ({@link BackchannelLogouts}).
 */
public final class SessionRevoker {

    private SessionRevoker() {
    }

    /** @return the number of online and offline sessions removed */
    public static int revoke(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!LightweightUserAdapter.isLightweightUser(user)) {
            session.users().setNotBeforeForUser(realm, user, Time.currentTime());
        }
        List<UserSessionModel> online = session.sessions().getUserSessionsStream(realm, user).toList();
        List<UserSessionModel> offline = session.sessions().getOfflineUserSessionsStream(realm, user).toList();
        if (!online.isEmpty() || !offline.isEmpty()) {
            List<UserSessionModel> all = new java.util.ArrayList<>(online);
            all.addAll(offline);
            try {
                BackchannelLogouts.queue(session, realm, user, all);
            } catch (RuntimeException e) {
                // telling clients is a courtesy on top of the revocation, which must happen whatever it costs
                org.jboss.logging.Logger.getLogger(SessionRevoker.class).warnf(e,
                        "breach-response: back-channel logouts for a revoked user in realm %s could not be queued", realm.getName());
            }
        }
        online.forEach(s -> session.sessions().removeUserSession(realm, s));
        offline.forEach(s -> session.sessions().removeOfflineUserSession(realm, s));
        return online.size() + offline.size();
    }
}
