package dev.breachresponse.keycloak.support;

import java.lang.reflect.Proxy;
import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;

/**
 * What Keycloak's user cache needs to evict a user it may hold ({@code UserCache.evict(realm, user)} drops the
 * entries under the user's id, username and email), for users the bulk job read from the user table without
 * loading them through the cache, which would fill it only to empty it again. Any other call on the object is
 * refused: an eviction that needs more fails the chunk (retried, then the job fails) instead of evicting less.
 */
public final class CacheKeys {

    private static final String EVICTED = CacheKeys.class.getName() + ".evicted";

    private CacheKeys() {
    }

    /**
     * {@code cache.evict(realm, user)}, unless this Keycloak session evicted a user with that id already. Each
     * eviction queues one invalidation event, which Keycloak sends to every node at commit and keeps in its work
     * cache for 120 s ({@code InfinispanClusterProvider.notify}); events that name the user with a different
     * username or email are different events ({@code UserUpdatedEvent.equals}), so a user evicted by id only (a flag
     * written, {@code UnflaggedMark}) and again with username and email (not-before set, {@code SessionRevoker}) cost
     * two: a million users flagged in 158 s left 2,000,000 of them, 294 MB, on the heap at the end. One is enough:
     * the first eviction drops the entry under the user's id, which holds both what login reads of the user and
     * Keycloak's own copy of the user; the entries under the username and email only lead to the id.
     *
     * @param user the user, or {@link #of} a key of one
     * @return whether this call evicted (false: evicted earlier in this session)
     */
    public static boolean evictOnce(KeycloakSession session, UserCache cache, RealmModel realm, UserModel user) {
        Set<String> evicted = SessionSets.of(session, EVICTED);
        String key = realm.getId() + '/' + user.getId();
        if (evicted.contains(key)) {
            return false;
        }
        cache.evict(realm, user);
        evicted.add(key);
        return true;
    }

    public static UserModel of(String id, String username, String email) {
        return (UserModel) Proxy.newProxyInstance(UserModel.class.getClassLoader(), new Class<?>[] {UserModel.class}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "getId" -> id;
                    case "getUsername" -> username;
                    case "getEmail" -> email;
                    case "hashCode" -> id.hashCode();
                    case "equals" -> proxy == args[0];
                    case "toString" -> "user " + id;
                    default -> throw new UnsupportedOperationException("UserModel." + method.getName() + " on a cache key of user " + id);
                });
    }
}
