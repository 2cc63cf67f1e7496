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

    /** For a factor added: its Keycloak credential type, so that a report can remove it. */
    @JsonProperty("ctp")
    private String credentialType;

    /** For an email change: the previous address, which the report link was sent to and a report restores. */
    @JsonProperty("pem")
    private String previousEmail;

    /** When the change happened (epoch milliseconds, Keycloak's clock). */
    @JsonProperty("cat")
    private long changedAt;

    /** For JSON. */
    public ReportToken() {
    }

    ReportToken(String userId, int expiresAt, Change change, String credentialType, long changedAt) {
        super(userId, ACTION, expiresAt, UUID.randomUUID());
        this.change = change.key();
        this.credentialType = credentialType;
        this.changedAt = changedAt;
    }

    String getChange() {
        return change;
    }

    String getPreviousEmail() {
        return previousEmail;
    }

    void setPreviousEmail(String previousEmail) {
        this.previousEmail = previousEmail;
    }

    String getCredentialType() {
        return credentialType;
    }

    long getChangedAt() {
        return changedAt;
    }
}
