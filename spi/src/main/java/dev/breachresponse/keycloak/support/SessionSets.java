package dev.breachresponse.keycloak.support;

import java.util.HashSet;
import java.util.Set;

import org.keycloak.models.KeycloakSession;

/** Sets of strings kept for the life of one Keycloak session (a request or a job's transaction), as session attributes. */
public final class SessionSets {

    private SessionSets() {
    }

    /**
     * The set kept under {@code key} in this session ({@code KeycloakSession.getAttribute}), created empty on first
     * use; the caller adds to it.
     */
    @SuppressWarnings("unchecked")
    public static Set<String> of(KeycloakSession session, String key) {
        if (session.getAttribute(key) instanceof Set<?> s) {
            return (Set<String>) s;
        }
        Set<String> created = new HashSet<>();
        session.setAttribute(key, created);
        return created;
    }
}
