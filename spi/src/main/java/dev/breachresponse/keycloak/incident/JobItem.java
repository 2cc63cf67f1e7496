package dev.breachresponse.keycloak.incident;

/** One subject of a job: as given, and (once processed) its outcome and the user it matched. */
public record JobItem(int seq, String subjectType, String subject, ItemOutcome outcome, String userId, String detail) {
}
