package dev.breachresponse.keycloak.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.cache.UserCache;

class CacheKeysTest {

    /** What the cache was asked to evict: "realm/id/username/email" per call. */
    private final List<String> evictions = new ArrayList<>();
    private final Map<String, Object> attributes = new HashMap<>();

    private final KeycloakSession session = proxy(KeycloakSession.class, (name, args) -> switch (name) {
        case "getAttribute" -> attributes.get((String) args[0]);
        case "setAttribute" -> {
            attributes.put((String) args[0], args[1]);
            yield null;
        }
        default -> throw new UnsupportedOperationException(name);
    });

    private final UserCache cache = proxy(UserCache.class, (name, args) -> {
        if (!"evict".equals(name) || args.length != 2) {
            throw new UnsupportedOperationException(name);
        }
        RealmModel realm = (RealmModel) args[0];
        org.keycloak.models.UserModel user = (org.keycloak.models.UserModel) args[1];
        evictions.add(realm.getId() + "/" + user.getId() + "/" + user.getUsername() + "/" + user.getEmail());
        return null;
    });

    @Test
    void aUserEvictedByIdAndAgainWithUsernameAndEmailIsEvictedOncePerSession() {
        RealmModel realm = realm("r1");
        assertTrue(CacheKeys.evictOnce(session, cache, realm, CacheKeys.of("u1", "", null)));
        assertFalse(CacheKeys.evictOnce(session, cache, realm, CacheKeys.of("u1", "alice", "alice@example.com")));
        assertTrue(CacheKeys.evictOnce(session, cache, realm, CacheKeys.of("u2", "bob", "bob@example.com")));
        assertEquals(List.of("r1/u1//null", "r1/u2/bob/bob@example.com"), evictions);
    }

    @Test
    void theSameIdInAnotherRealmOrAnotherSessionIsEvictedAgain() {
        assertTrue(CacheKeys.evictOnce(session, cache, realm("r1"), CacheKeys.of("u1", "", null)));
        assertTrue(CacheKeys.evictOnce(session, cache, realm("r2"), CacheKeys.of("u1", "", null)));
        attributes.clear(); // a new Keycloak session starts without the set
        assertTrue(CacheKeys.evictOnce(session, cache, realm("r1"), CacheKeys.of("u1", "", null)));
        assertEquals(3, evictions.size(), evictions.toString());
    }

    @Test
    void anEvictionTheCacheRefusesIsNotRecordedAsDone() {
        UserCache refusing = proxy(UserCache.class, (name, args) -> {
            throw new IllegalStateException("Cannot call evict() without a transaction");
        });
        RealmModel realm = realm("r1");
        assertThrows(IllegalStateException.class, () -> CacheKeys.evictOnce(session, refusing, realm, CacheKeys.of("u1", "", null)));
        assertTrue(CacheKeys.evictOnce(session, cache, realm, CacheKeys.of("u1", "", null)), "a failed eviction is tried again");
    }

    private static RealmModel realm(String id) {
        return proxy(RealmModel.class, (name, args) -> {
            if ("getId".equals(name)) {
                return id;
            }
            throw new UnsupportedOperationException(name);
        });
    }

    private interface Call {
        Object on(String method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, Call call) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> call.on(m.getName(), a == null ? new Object[0] : a)));
    }
}
