package dev.breachresponse.keycloak.incident;

import java.util.Locale;

/**
 * How a bulk flag entry names its user, in precedence order (the first given becomes the job item's subject): the
 * Keycloak user id, the username, the email. Stored by name in a job's pages and
 * {@code BR_JOB_ITEM.SUBJECT_TYPE}.
 */
public enum SubjectType {
    ID, USERNAME, EMAIL;

    /** The lower-case name used in request bodies and CSV headers ({@code "email"}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
