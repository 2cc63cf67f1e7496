package dev.breachresponse.keycloak.revocation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;
import org.keycloak.common.Profile;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.models.light.LightweightUserAdapter;
import org.keycloak.storage.StorageId;

import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.support.CacheKeys;

/**
 * Ends everything a user already holds: sets the user's not-before (refresh and offline tokens issued before
 * it are rejected) and removes online and offline sessions. Access tokens already issued live until they
 * expire. Clients with an OIDC back-channel logout URL are told asynchronously ({@link BackchannelLogouts}).
 */
public final class SessionRevoker {

    private static final Logger LOG = Logger.getLogger(SessionRevoker.class);

    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private SessionRevoker() {
    }

    /**
     * The flagging service's revocation for users named by id: each is looked up through Keycloak's user
     * provider and revoked as {@link #revoke} does (users no longer found are skipped).
     */
    public static Flagging.Revocation byId(KeycloakSession session, RealmModel realm) {
        return userIds -> {
            int removed = 0;
            for (String id : userIds) {
                UserModel user = session.users().getUserById(realm, id);
                if (user != null) {
                    removed += revoke(session, realm, user);
                }
            }
            return removed;
        };
    }

    /** @return the number of online and offline sessions removed */
    public static int revoke(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!LightweightUserAdapter.isLightweightUser(user)) {
            session.users().setNotBeforeForUser(realm, user, Time.currentTime());
        }
        return removeSessions(session, realm, user);
    }

    /**
     * Ends one session of the user (an SSF {@code session-revoked} event that named it): a back-channel logout is
     * queued for its clients, then it is removed. Tokens of the user's other sessions stay valid.
     *
     * @return 1 when the session was removed
     */
    public static int revokeSession(KeycloakSession session, RealmModel realm, UserModel user, UserSessionModel userSession) {
        return end(session, realm, user, List.of(userSession), List.of());
    }

    /**
     * A user to revoke in a batch: a row of Keycloak's user table ({@code model} null: the bulk job read it
     * directly), or a user Keycloak's look-up returned.
     */
    public record Target(String id, String username, String email, UserModel model) {
        public static Target of(UserModel user) {
            return new Target(user.getId(), user.getUsername(), user.getEmail(), user);
        }
    }

    /**
     * {@link #revoke} for a batch of users (a bulk job's chunk), with the same effect and fewer statements: one
     * UPDATE sets not-before of the users stored in Keycloak's user table (each evicted from Keycloak's user
     * cache in this transaction; federated users without import go through Keycloak's API one by one), and one
     * query tells who holds sessions where Keycloak keeps them in the database (persistent user sessions, the
     * default in Keycloak 26: its own per-user look-up reads that table, so the batch sees exactly what the
     * per-user look-ups would; elsewhere every user is looked up). Only users holding sessions are loaded
     * through Keycloak's user provider.
     *
     * @return the number of online and offline sessions removed
     */
    public static int revokeAll(KeycloakSession session, RealmModel realm, Collection<Target> users) {
        int now = Time.currentTime();
        IncidentStore store = session.getProvider(IncidentStore.class);
        List<String> stored = new ArrayList<>();
        UserCache cache = session.getProvider(UserCache.class);
        for (Target t : users) {
            UserModel u = t.model();
            if (u != null && LightweightUserAdapter.isLightweightUser(u)) {
                continue;
            }
            if (StorageId.isLocalStorage(t.id())) {
                stored.add(t.id());
                if (cache != null) {
                    CacheKeys.evictOnce(session, cache, realm, u != null ? u : CacheKeys.of(t.id(), t.username(), t.email()));
                }
            } else {
                UserModel federated = u != null ? u : session.users().getUserById(realm, t.id());
                if (federated != null) {
                    session.users().setNotBeforeForUser(realm, federated, now);
                }
            }
        }
        store.setNotBeforeOfStoredUsers(realm.getId(), stored, now);
        Set<String> holdSessions = sessionsInDatabase(session)
                ? store.usersWithStoredSessions(realm.getId(), users.stream().map(Target::id).toList())
                : null;
        int removed = 0;
        for (Target t : users) {
            if (holdSessions == null || holdSessions.contains(t.id())) {
                UserModel u = t.model() != null ? t.model() : session.users().getUserById(realm, t.id());
                if (u != null) {
                    removed += removeSessions(session, realm, u);
                }
            }
        }
        return removed;
    }

    static boolean sessionsInDatabase(KeycloakSession session) {
        String provider = session.sessions().getClass().getSimpleName();
        boolean inDatabase = Profile.isFeatureEnabled(Profile.Feature.PERSISTENT_USER_SESSIONS)
                && "PersistentUserSessionProvider".equals(provider);
        if (TOLD.compareAndSet(false, true)) {
            LOG.infof("breach-response: bulk revocation looks up sessions %s (user session provider %s)",
                    inDatabase ? "with one query per chunk" : "per user", provider);
        }
        return inDatabase;
    }

    /** Removes the user's online and offline sessions, queueing back-channel logouts for their clients first. */
    private static int removeSessions(KeycloakSession session, RealmModel realm, UserModel user) {
        return end(session, realm, user, session.sessions().getUserSessionsStream(realm, user).toList(),
                session.sessions().getOfflineUserSessionsStream(realm, user).toList());
    }

    /** Ends the given online and offline sessions of the user, queueing back-channel logouts for their clients first. */
    private static int end(KeycloakSession session, RealmModel realm, UserModel user, List<UserSessionModel> online, List<UserSessionModel> offline) {
        if (!online.isEmpty() || !offline.isEmpty()) {
            List<UserSessionModel> all = new ArrayList<>(online);
            all.addAll(offline);
            try {
                BackchannelLogouts.queue(session, realm, user, all);
            } catch (RuntimeException e) {
                // telling clients is a courtesy on top of the revocation, which must happen whatever it costs
                LOG.warnf(e, "breach-response: back-channel logouts for a revoked user in realm %s could not be queued", realm.getName());
            }
        }
        online.forEach(s -> session.sessions().removeUserSession(realm, s));
        offline.forEach(s -> session.sessions().removeOfflineUserSession(realm, s));
        return online.size() + offline.size();
    }
}
