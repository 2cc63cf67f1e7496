package dev.breachresponse.keycloak.incident;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hygiene campaign's data: the walk position per realm, a keyset-paged view of the realm's local users and
 * their credentials, and the hygiene outbox (one row per user and pass). Obtained from
 * {@link IncidentStore#hygiene()}; runs in the caller's transaction.
 */
public interface HygieneStore {

    /** Where a realm's walk stands; {@code cursorId} null means between passes. */
    record Walk(int pass, String cursorId, Long passStartedAt, Long passFinishedAt, long walked, long queued) {

        public static final Walk NEW = new Walk(0, null, null, null, 0, 0);
    }

    /** A local user as the walk sees it. */
    record UserRow(String id, boolean enabled, boolean hasEmail) {
    }

    /** One stored credential: its type and when it was created (null when unknown). */
    record Credential(String type, Long createdAt) {
    }

    /** The stored realm settings documents, by realm id (realms that never saved settings are absent). */
    Map<String, String> realmConfigs();

    /** The realm's walk, locked for this transaction (a second node waits, then sees the new position). */
    Walk lockWalk(String realmId);

    void saveWalk(String realmId, Walk walk);

    /** Without locking, for the admin view. */
    Optional<Walk> walk(String realmId);

    /** Local users of the realm (no service accounts) with an id after {@code afterId}, by id, at most {@code max}. */
    List<UserRow> usersAfter(String realmId, String afterId, int max);

    /** The stored credentials of these users (one query). */
    Map<String, List<Credential>> credentials(Collection<String> userIds);

    /** Of these users, those with an open flag in the realm (they get the incident's reminders instead). */
    Set<String> withOpenFlags(String realmId, Collection<String> userIds);

    /** Of these users, those that already have a hygiene row in this pass. */
    Set<String> nudgedInPass(String realmId, int pass, Collection<String> userIds);

    void createNudge(String realmId, String userId, int pass, List<String> asks, long now);

    List<String> sendable(String realmId, long now, int maxAttempts, int max);

    /** Locks one row for sending (PESSIMISTIC_WRITE); empty when gone. */
    Optional<Nudge> lock(String id);

    void markSent(String id, long at, List<String> asks);

    void markFailed(String id, String error, long nextAttemptAt);

    void markCancelled(String id, String why);

    Map<OutboxState, Long> counts(String realmId);

    List<Nudge> list(String realmId, OutboxState state, int first, int max);
}
