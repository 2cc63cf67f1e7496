package dev.breachresponse.keycloak.incident;

/**
 * One subject of a job: as given, and (once processed) its outcome and the user it matched. {@code also}: the
 * entry's other identifiers (several CSV columns or JSON fields), encoded as {@code Subject.encodedAlso()}, or null.
 */
public record JobItem(int seq, SubjectType subjectType, String subject, ItemOutcome outcome, String userId, String detail, String also) {

    public JobItem(int seq, SubjectType subjectType, String subject, ItemOutcome outcome, String userId, String detail) {
        this(seq, subjectType, subject, outcome, userId, detail, null);
    }
}
