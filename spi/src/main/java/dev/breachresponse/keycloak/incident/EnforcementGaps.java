package dev.breachresponse.keycloak.incident;

import java.util.List;

/**
 * Logins that login enforcement's backstop refused because no breach step-up ran on their path (an entry point
 * added or rebound after setup): one row per realm and path, so that setup status can tell the admin where.
 * Obtained from {@link IncidentStore#gaps()}; runs in the caller's transaction.
 */
public interface EnforcementGaps {

    /**
     * One path through which a flagged user tried to sign in without the step-up.
     *
     * @param path        e.g. {@code browser client=app idp=late} (flow path, client id, identity-provider alias)
     * @param firstSeenAt epoch milliseconds of the first refusal
     * @param lastSeenAt  epoch milliseconds of the latest refusal
     * @param refused     how many logins were refused there
     */
    record Gap(String path, long firstSeenAt, long lastSeenAt, long refused) {
    }

    /** Counts one refused login on {@code path} (at most 255 characters) at {@code now} (epoch ms). */
    void record(String realmId, String path, long now);

    /** The realm's gaps, latest first, at most {@code max}. */
    List<Gap> list(String realmId, int max);
}
