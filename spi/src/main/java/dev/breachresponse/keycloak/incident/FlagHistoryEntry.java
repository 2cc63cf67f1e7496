package dev.breachresponse.keycloak.incident;

/** One recorded change of a flag's state: {@code from} is null for the entry that created the flag. */
public record FlagHistoryEntry(FlagState from, FlagState to, long at, Actor actor, String cause, String detail) {
}
