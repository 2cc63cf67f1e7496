package dev.breachresponse.keycloak.support;

import java.lang.reflect.Proxy;

import org.keycloak.models.UserModel;

/**
 * What Keycloak's user cache needs to evict a user it may hold ({@code UserCache.evict(realm, user)} drops the
 * entries under the user's id, username and email), for users the bulk job read from the user table without
 * loading them through the cache, which would fill it only to empty it again. Any other call on the object is
 * refused: an eviction that needs more fails the chunk (retried, then the job fails) instead of evicting less.
 */
public final class CacheKeys {

    private CacheKeys() {
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
