package dev.breachresponse.keycloak.incident;

import java.util.List;

/** One hygiene email of one user in one pass of the realm's walk; states as for {@link Reminder}. */
public record Nudge(String id, String realmId, String userId, int pass, List<String> asks, OutboxState state, long createdAt,
                    Long sentAt, int attempts, Long nextAttemptAt, String lastError, String detail) {

    /** The user has no allowed second factor. */
    public static final String MFA = "mfa";

    /** The user's password is older than the realm's {@code hygiene.passwordAgeDays}. */
    public static final String PASSWORD_AGE = "password-age";
}
