package dev.breachresponse.keycloak.incident;

import java.util.Collection;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.CachedUserModel;
import org.keycloak.models.cache.UserCache;

import dev.breachresponse.keycloak.support.CacheKeys;
import dev.breachresponse.keycloak.support.SessionSets;

/**
 * What lets login skip the flag table for the common user, who holds no flag: a mark kept with the user in
 * Keycloak's user cache ({@link CachedUserModel#getCachedWith()}, the map Keycloak keeps for extensions beside a
 * cached user), set when a login read the user's flags and found none that login reads
 * ({@link IncidentStore#loginExposures}). The mark lives and dies with Keycloak's cache entry of the user:
 * every write that shows login a flag it did not see (a flag inserted, or moved to FLAGGED) evicts that entry in
 * the writing transaction ({@link #flagsWritten}, called by the store for each flag it inserts or changes), and
 * Keycloak drops it on every node of the cluster when that
 * transaction commits, before the change's request returns ({@code UserCacheSession} sends its invalidations
 * after completion; a node that loaded the user while the invalidation was under way does not cache it,
 * Keycloak's revision check). A flag set on one node is therefore enforced on another's next login exactly as
 * far as Keycloak enforces a user disabled there. Where there is no user cache (disabled, or a realm whose user
 * cache policy is NO_CACHE) users are not {@link CachedUserModel}s and login reads the table every time. The
 * token claim ({@code BreachClaimMapper}) reads and sets the stronger form, "no flag at all".
 * Within one request that changed the user's flags the mark is never read nor set. A mark is trusted for
 * {@value #MAX_AGE_MILLIS} ms at most, the bound for flags written past the store. Marks are kept only where
 * {@link #allowed} finds both halves of this argument true (embedded Infinispan, READ COMMITTED).
 */
public final class UnflaggedMark {

    /** Key in the cached user's map; the value is a {@link Mark}. */
    static final String KEY = "dev.breachresponse.unflagged";

    /**
     * A mark is trusted for at most this long (ms), then login reads the table again: the bound on how long a flag
     * written without the eviction (by hand in SQL, a restored backup, a node still running an older version of this
     * extension during a rolling upgrade) could go unenforced on a node that had marked the user.
     */
    static final long MAX_AGE_MILLIS = 300_000;

    /**
     * What the mark holds: the realm the read was made in, until when (epoch ms) it may be trusted, and whether the
     * user held no flag at all (no row in any state: what the token claim needs) rather than none that login reads.
     */
    record Mark(String realmId, long until, boolean noFlagAtAll) {
    }

    private static final String WRITTEN = UnflaggedMark.class.getName() + ".written";
    private static final Logger LOG = Logger.getLogger(UnflaggedMark.class);

    private UnflaggedMark() {
    }

    /** True when a read on this node found no flag of the user that login reads since Keycloak last cached them. */
    static boolean holds(KeycloakSession session, RealmModel realm, UserModel user) {
        return valid(session, realm, user) != null;
    }

    /** True when a read on this node found no flag of the user at all since Keycloak last cached them. */
    public static boolean holdsNoFlagAtAll(KeycloakSession session, RealmModel realm, UserModel user) {
        Mark m = valid(session, realm, user);
        return m != null && m.noFlagAtAll();
    }

    private static Mark valid(KeycloakSession session, RealmModel realm, UserModel user) {
        CachedUserModel cached = markable(session, user);
        return cached != null && cached.getCachedWith().get(KEY) instanceof Mark m && m.realmId().equals(realm.getId())
                && System.currentTimeMillis() < m.until() ? m : null;
    }

    /** The user as Keycloak's cached entry a mark may be read from or put on; null when none may be. */
    private static CachedUserModel markable(KeycloakSession session, UserModel user) {
        return user instanceof CachedUserModel cached && !cached.isMarkedForEviction() && !writtenHere(session, user.getId())
                ? cached : null;
    }

    /** Call after a successful read found no flag of the user that login reads ({@link IncidentStore#loginExposures}). */
    static void set(KeycloakSession session, RealmModel realm, UserModel user) {
        put(session, realm, user, false);
    }

    /** Call after a successful read found no flag of the user at all ({@link IncidentStore#flagsOfUser}). */
    public static void setNoFlagAtAll(KeycloakSession session, RealmModel realm, UserModel user) {
        put(session, realm, user, true);
    }

    @SuppressWarnings("unchecked")
    private static void put(KeycloakSession session, RealmModel realm, UserModel user, boolean noFlagAtAll) {
        CachedUserModel cached = markable(session, user);
        if (cached != null && allowed(session)) {
            cached.getCachedWith().put(KEY, new Mark(realm.getId(), System.currentTimeMillis() + MAX_AGE_MILLIS, noFlagAtAll));
        }
    }

    /**
     * The store inserted or changed flags of these users in this session's transaction: keeps this request from
     * reading or setting a mark for them, and when the write {@code reveals} something to login, evicts each from
     * Keycloak's user cache (on every node once the transaction commits), which drops their marks. A write that does
     * not (a step-up, a remediation, a dismissal, a note) changes a flag login read already, or takes one out of its
     * sight: no node holds a mark for a user with a flag login reads (a mark is set only by a read that found none,
     * and the write that made the flag visible evicted the user), so there is nothing to drop, and the user's next
     * request need not rebuild Keycloak's cached user.
     *
     * @param realmId the realm of the flags
     * @param userIds Keycloak user ids (duplicates allowed)
     * @param reveals a flag was inserted or moved to FLAGGED (see {@code JpaIncidentStore.FlagsWritten})
     */
    public static void flagsWritten(KeycloakSession session, String realmId, Collection<String> userIds, boolean reveals) {
        if (userIds.isEmpty()) {
            return;
        }
        SessionSets.of(session, WRITTEN).addAll(userIds);
        if (!reveals) {
            return;
        }
        UserCache cache = session.getProvider(UserCache.class);
        RealmModel realm = cache == null ? null : session.realms().getRealm(realmId);
        if (realm == null) {
            return;
        }
        for (String id : userIds) {
            // the user's entry is keyed by id (the username and email keys only lead to it); Keycloak's event
            // requires a username, and the empty one names no entry
            CacheKeys.evictOnce(session, cache, realm, CacheKeys.of(id, "", null));
        }
    }

    /**
     * Marks are kept only where both halves of the argument above hold: Keycloak's embedded Infinispan cluster
     * provider, whose invalidations reach every node before the writing request returns (not the remote-cache
     * provider of multi-site setups, whose client listeners deliver them later, nor the stateless database-event
     * one), and a database that shows each statement the latest commits ({@link IncidentStore#readsLatestCommits}: not
     * MariaDB's or MySQL's default REPEATABLE READ). Decided once per node; where not, every login reads the table.
     */
    static boolean allowed(KeycloakSession session) {
        Boolean known = allowed;
        if (known == null) {
            ClusterProvider cluster = session.getProvider(ClusterProvider.class);
            String name = cluster == null ? "none" : cluster.getClass().getName();
            boolean embedded = EMBEDDED_CLUSTER.equals(name);
            try {
                known = embedded && session.getProvider(IncidentStore.class).readsLatestCommits();
            } catch (RuntimeException e) {
                // no marks, and no retry on every login: the read that called this stands, only its result is not kept
                LOG.warnf("breach-response: could not ask the database for its transaction isolation (%s); every login reads the flag table",
                        e.getClass().getName());
                allowed = false;
                return false;
            }
            allowed = known;
            if (known) {
                LOG.info("breach-response: logins skip the flag table for users a read on this node found unflagged");
            } else {
                LOG.infof("breach-response: every login reads the flag table: %s (docs/admin-guide.md, \"Operations\")", embedded
                        ? "the database runs transactions above READ COMMITTED" : "the cluster provider is " + name + ", not embedded Infinispan");
            }
        }
        return known;
    }

    private static final String EMBEDDED_CLUSTER = "org.keycloak.cluster.infinispan.InfinispanClusterProvider";
    private static volatile Boolean allowed;

    private static boolean writtenHere(KeycloakSession session, String userId) {
        Object w = session.getAttribute(WRITTEN);
        return w instanceof Set<?> s && s.contains(userId);
    }
}
