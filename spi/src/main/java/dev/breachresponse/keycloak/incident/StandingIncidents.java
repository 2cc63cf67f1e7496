package dev.breachresponse.keycloak.incident;

import java.util.List;
import java.util.Optional;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * A realm's standing incidents: long-lived incidents that a kind of signal feeds, created on first use with the
 * realm's defaults. {@value #BREACHED_PASSWORDS}: users whose password was found in a breach corpus at login (exposed
 * data: password, so the default policy asks for the mailbox proof and a new password, NIST SP 800-63B rev 4);
 * {@value #USER_REPORTED}: users who reported a change to their account that was not theirs. An incident an admin
 * created under the same id serves as it is.
 */
public final class StandingIncidents {

    public static final String BREACHED_PASSWORDS = "breached-passwords";

    /** History actor of flags set by breached-password detection ({@code system:breached-password}). */
    public static final Actor BREACHED_PASSWORD_ACTOR = new Actor(Actor.Type.SYSTEM, "breached-password");

    /** Users who reported, from a security email, that a change to their account was not theirs. */
    public static final String USER_REPORTED = "user-reported";

    /** How a user's report begins the cause of its flag ({@code reported by the user: password-changed}). */
    public static final String REPORT_CAUSE = "reported by the user";

    private static final List<String> PASSWORD = List.of("password");

    /** A reported account: its credentials count as exposed (the strictest default policy). */
    private static final List<String> CREDENTIAL = List.of("password", "credential");

    private StandingIncidents() {
    }

    /**
     * The realm's "breached passwords" incident, created in the current transaction when there is none; empty when
     * an admin closed it (closing stops new flags, as for any incident).
     */
    public static Optional<Incident> breachedPasswords(KeycloakSession session, RealmModel realm, Actor actor) {
        return standing(session, realm, actor, BREACHED_PASSWORDS, "Breached passwords",
                "Users who signed in with a password found in a breach corpus (breached-password detection)", PASSWORD);
    }

    /**
     * The realm's "user reported" incident (exposed data: password and credential, so a new password after the
     * mailbox proof and a second factor), created in the current transaction when there is none; empty when closed.
     */
    public static Optional<Incident> userReported(KeycloakSession session, RealmModel realm, Actor actor) {
        return standing(session, realm, actor, USER_REPORTED, "Reported by users",
                "Users who reported from a security email that a change to their account was not theirs", CREDENTIAL);
    }

    /**
     * A Shared Signals receiver's incident {@code id} (docs/ssf.md), created on first use in the current transaction
     * with exposed data password (the RISC events that flag, credential-compromise and
     * account-credential-change-required, both ask for a new password after the mailbox proof); empty when closed.
     */
    public static Optional<Incident> signals(KeycloakSession session, RealmModel realm, Actor actor, String id, String alias) {
        return standing(session, realm, actor, id, "Shared Signals: " + alias,
                "Users a Shared Signals transmitter reported at risk (receiver " + alias + ")", PASSWORD);
    }

    private static Optional<Incident> standing(KeycloakSession session, RealmModel realm, Actor actor, String id, String title,
                                               String description, List<String> exposed) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        IncidentKey key = new IncidentKey(id);
        Optional<Incident> found = store.findIncident(realm, key);
        if (found.isEmpty()) {
            NewIncident n = new NewIncident(key, title, description, exposed, Policy.defaultsFor(exposed, Enforcement.settings(session, realm)),
                    "standing:" + id);
            found = Optional.of(store.createIncident(realm, n, actor).incident());
        }
        return found.filter(Incident::open);
    }
}
