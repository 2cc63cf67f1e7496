package dev.breachresponse.keycloak.report;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.keycloak.authentication.actiontoken.DefaultActionToken;

/**
 * The "This wasn't me" link's token: a Keycloak action token (signed with the realm's key, issuer and audience the
 * realm, expiry, a nonce) for one user and one change ({@code chg}), used once. Only
 * {@code /realms/{realm}/breach-response/report} reads it, and only its POST acts.
 */
public final class ReportToken extends DefaultActionToken {

    /** The action token type ({@code typ}'s action id). */
    public static final String ACTION = "breach-report";

    @JsonProperty("chg")
    private String change;

    /** For JSON. */
    public ReportToken() {
    }

    ReportToken(String userId, int expiresAt, Change change) {
        super(userId, ACTION, expiresAt, UUID.randomUUID());
        this.change = change.key();
    }

    String getChange() {
        return change;
    }
}
