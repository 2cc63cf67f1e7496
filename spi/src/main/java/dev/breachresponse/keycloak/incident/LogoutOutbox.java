package dev.breachresponse.keycloak.incident;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Back-channel logouts owed to clients whose sessions were revoked: written in the revoking transaction, sent
 * after it commits by a sender of its own (never one HTTP call per user inside a bulk job). Obtained from
 * {@link IncidentStore#logouts()}.
 */
public interface LogoutOutbox {

    /** One row: where to post, and the logout token's claims (JSON). */
    record Logout(String id, String realmId, String clientId, String userId, String url, String claims, OutboxState state,
                  int attempts) {
    }

    /** One row as an admin sees it (no URL, no claims). */
    record Entry(String id, String clientId, String userId, OutboxState state, long createdAt, Long sentAt, int attempts,
                 Long nextAttemptAt, String lastError) {
    }

    void add(String realmId, String clientId, String userId, String url, String claims, long now);

    List<String> sendable(long now, int maxAttempts, int max);

    /** Locks one row for sending; empty when gone. */
    Optional<Logout> lock(String id);

    void markSent(String id, long at);

    void markFailed(String id, String error, long nextAttemptAt);

    void markCancelled(String id, String why);

    /** Removes finished rows created before {@code before}; returns how many. */
    int purge(long before);

    Map<OutboxState, Long> counts(String realmId);

    /** A page of the realm's rows, newest first; {@code state} null for all. */
    List<Entry> list(String realmId, OutboxState state, int first, int max);
}
