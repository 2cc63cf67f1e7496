package dev.breachresponse.keycloak.incident;

/**
 * A flag as listings show it: the flag and who the user is, from Keycloak's user table ({@code username} and
 * {@code email} lower case as Keycloak stores them; both {@code null} for a user without a row there, such as a
 * federated user that was never imported, and {@code email} null for a user without one).
 */
public record ListedFlag(Flag flag, String username, String email) {
}
