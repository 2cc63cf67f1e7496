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
        return revoke(session, realm, user, true, true);
    }

    /**
     * For a batch of users: those of them who may hold sessions. Where Keycloak keeps user sessions in the
     * database (persistent user sessions, the default in Keycloak 26), its own per-user session lookup reads that
     * table, so one query for the batch sees exactly what the per-user lookups would; elsewhere (sessions only in
     * memory, or in an external Infinispan) every user may hold sessions.
     */
    public static java.util.Set<String> whoMayHoldSessions(KeycloakSession session, RealmModel realm, java.util.Collection<String> userIds) {
        if (!sessionsInDatabase(session)) {
            return new java.util.HashSet<>(userIds);
        }
        return session.getProvider(dev.breachresponse.keycloak.incident.IncidentStore.class).usersWithStoredSessions(realm.getId(), userIds);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean TOLD = new java.util.concurrent.atomic.AtomicBoolean();

    static boolean sessionsInDatabase(KeycloakSession session) {
        String provider = session.sessions().getClass().getSimpleName();
        boolean inDatabase = org.keycloak.common.Profile.isFeatureEnabled(org.keycloak.common.Profile.Feature.PERSISTENT_USER_SESSIONS)
                && "PersistentUserSessionProvider".equals(provider);
        if (TOLD.compareAndSet(false, true)) {
            org.jboss.logging.Logger.getLogger(SessionRevoker.class).infof("breach-response: bulk revocation looks up sessions %s (user session provider %s)",
                    inDatabase ? "with one query per chunk" : "per user", provider);
        }
        return inDatabase;
    }

    /**
     * Sets not-before now for a batch of users, as {@code setNotBeforeForUser} would for each: users stored in
     * Keycloak's user table (local and imported) with one UPDATE, each evicted from Keycloak's user cache in this
     * transaction; others (federated without import) through Keycloak's API one by one; lightweight users have none.
     */
    public static void notBeforeNow(KeycloakSession session, RealmModel realm, java.util.Collection<UserModel> users) {
        int now = Time.currentTime();
        java.util.List<String> stored = new java.util.ArrayList<>();
        for (UserModel u : users) {
            if (LightweightUserAdapter.isLightweightUser(u)) {
                continue;
            }
            if (org.keycloak.storage.StorageId.isLocalStorage(u.getId())) {
                stored.add(u.getId());
                org.keycloak.models.cache.UserCache cache = session.getProvider(org.keycloak.models.cache.UserCache.class);
                if (cache != null) {
                    cache.evict(realm, u);
                }
            } else {
                session.users().setNotBeforeForUser(realm, u, now);
            }
        }
        session.getProvider(dev.breachresponse.keycloak.incident.IncidentStore.class).setNotBeforeOfStoredUsers(realm.getId(), stored, now);
    }

    /**
     * @param lookUpSessions false when {@link #whoMayHoldSessions} said the user holds none
     * @param setNotBefore   false when the caller set it for a batch ({@link #notBeforeNow})
     * @return the number of online and offline sessions removed
     */
    public static int revoke(KeycloakSession session, RealmModel realm, UserModel user, boolean lookUpSessions, boolean setNotBefore) {
        if (setNotBefore && !LightweightUserAdapter.isLightweightUser(user)) {
            session.users().setNotBeforeForUser(realm, user, Time.currentTime());
        }
        if (!lookUpSessions) {
            return 0;
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
