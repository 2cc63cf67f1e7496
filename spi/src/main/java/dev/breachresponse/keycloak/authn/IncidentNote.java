package dev.breachresponse.keycloak.authn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import dev.breachresponse.keycloak.incident.Decision;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * Which incidents the breach notice of this login is about, kept on the authentication session: once the
 * step-up remediates the flags they are no longer open, but the notice still has to name them.
 */
final class IncidentNote {

    static final String NOTE = "breach-response.incidents";

    private IncidentNote() {
    }

    static void remember(AuthenticationSessionModel authSession, Decision d) {
        if (!d.incidentIds().isEmpty()) {
            authSession.setAuthNote(NOTE, String.join("\n", d.incidentIds()));
        }
    }

    static List<Incident> incidents(KeycloakSession session, RealmModel realm, AuthenticationSessionModel authSession) {
        String note = authSession.getAuthNote(NOTE);
        List<Incident> out = new ArrayList<>();
        if (note == null) {
            return out;
        }
        IncidentStore store = session.getProvider(IncidentStore.class);
        Arrays.stream(note.split("\n")).forEach(id -> store.findIncident(realm, new IncidentKey(id)).ifPresent(out::add));
        return out;
    }
}
