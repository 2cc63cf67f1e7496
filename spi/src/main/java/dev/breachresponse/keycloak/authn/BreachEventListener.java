package dev.breachresponse.keycloak.authn;

import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.Remediation;
import dev.breachresponse.keycloak.report.Change;
import dev.breachresponse.keycloak.report.SecurityNotices;

/**
 * Keeps flags true to what users do outside the breach flows, in the same transaction as the change:
 * a password change (account console, reset credentials) counts toward remediation; removing the last allowed
 * factor while the incident is open, or an admin removing it, re-opens the flag. Registered globally: no realm configuration needed.
 */
final class BreachEventListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(BreachEventListener.class);

    private final KeycloakSession session;

    BreachEventListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        securityNotice(event);
        EventType type = event.getType();
        boolean passwordChange = type == EventType.UPDATE_PASSWORD
                || (type == EventType.UPDATE_CREDENTIAL && PasswordCredentialModel.TYPE.equals(credentialType(event)));
        boolean removal = type == EventType.REMOVE_TOTP || type == EventType.REMOVE_CREDENTIAL;
        if ((!passwordChange && !removal) || event.getUserId() == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user == null) {
            return;
        }
        if (passwordChange) {
            if (Remediation.passwordChangedAt(user).isEmpty()) {
                // a federated user: Keycloak stores no password, the event is the only evidence
                Remediation.passwordChangedNow(session, realm, user);
            } else {
                Remediation.settle(session, realm, user);
            }
        } else {
            String removed = type == EventType.REMOVE_TOTP ? Factor.OTP.credentialType : credentialType(event);
            int reopened = Remediation.reopenIfNoFactor(session, realm, user, removed, Actor.user(user.getId()));
            if (reopened > 0) {
                LOG.infof("breach-response: %d flag(s) re-opened in realm %s: the user removed their last allowed factor", reopened, realm.getName());
            }
        }
    }

    /**
     * A security email for a change of the user's password or second factors (when the realm sends them): only from
     * {@code UPDATE_CREDENTIAL} and {@code REMOVE_CREDENTIAL}, which Keycloak sends beside the deprecated
     * {@code UPDATE_PASSWORD}, {@code UPDATE_TOTP} and {@code REMOVE_TOTP} for the same change (one email per change).
     */
    private void securityNotice(Event event) {
        Map<String, String> details = event.getDetails();
        String previousEmail = details == null ? null : details.get(Details.PREVIOUS_EMAIL);
        if (event.getUserId() != null && event.getRealmId() != null && previousEmail != null && !previousEmail.isBlank()
                && !previousEmail.equalsIgnoreCase(details.get(Details.UPDATED_EMAIL))) {
            // UPDATE_EMAIL, or UPDATE_PROFILE with the address changed: told to the previous address
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            String once = "breach-response.email-changed." + event.getUserId() + "." + previousEmail;
            if (realm != null && session.getAttribute(once) == null) {
                session.setAttribute(once, Boolean.TRUE); // one email when one change comes as UPDATE_EMAIL and UPDATE_PROFILE
                SecurityNotices.emailChangedAfterCommit(session, realm, event.getUserId(), previousEmail);
            }
            return;
        }
        if (event.getUserId() == null || event.getRealmId() == null
                || (event.getType() != EventType.UPDATE_CREDENTIAL && event.getType() != EventType.REMOVE_CREDENTIAL)) {
            return;
        }
        String credentialType = credentialType(event);
        Factor factor = Factor.byCredentialType(credentialType).orElse(null);
        Change change;
        if (event.getType() == EventType.UPDATE_CREDENTIAL && PasswordCredentialModel.TYPE.equals(credentialType)) {
            change = Change.PASSWORD_CHANGED;
        } else if (factor != null) {
            change = event.getType() == EventType.UPDATE_CREDENTIAL ? Change.FACTOR_ADDED : Change.FACTOR_REMOVED;
        } else {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm != null) {
            SecurityNotices.afterCommit(session, realm, event.getUserId(), change, factor == null ? null : factor.key);
        }
    }

    private static String credentialType(Event event) {
        return event.getDetails() == null ? null : event.getDetails().get(Details.CREDENTIAL_TYPE);
    }

    /**
     * An admin removed a user's credential ({@code DELETE users/{id}/credentials/{credentialId}}, which Keycloak's
     * {@code UserResource#removeCredential} records as an ACTION admin event): re-open the user's flags at once when
     * no allowed factor is left ("I lost my phone, please reset my MFA"). Removals that send no event (Keycloak's
     * {@code disable-credential-types}, an import, a federation provider) are caught at the next login
     * ({@link Enforcement#decide}); this makes the funnel true before it.
     */
    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        String reset = passwordResetTarget(event);
        if (reset != null) {
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            if (realm != null) {
                SecurityNotices.afterCommit(session, realm, reset, Change.PASSWORD_CHANGED, null);
            }
            return;
        }
        String userId = credentialRemovalTarget(event);
        if (userId == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            return;
        }
        String removedType = adminDetail(event, Details.CREDENTIAL_TYPE);
        if (!PasswordCredentialModel.TYPE.equals(removedType)) {
            SecurityNotices.afterCommit(session, realm, userId, Change.FACTOR_REMOVED,
                    Factor.byCredentialType(removedType).map(f -> f.key).orElse(null));
        }
        String adminId = event.getAuthDetails() == null ? null : event.getAuthDetails().getUserId();
        Actor actor = adminId == null ? Actor.SYSTEM : Actor.admin(adminId);
        int reopened = Remediation.reopenIfNoFactor(session, realm, user, "removed by an admin", actor);
        if (reopened > 0) {
            LOG.infof("breach-response: %d flag(s) re-opened in realm %s: an admin removed the user's last allowed factor", reopened, realm.getName());
        }
    }

    /** A detail of an admin event; null when absent, or on a Keycloak whose admin events carry no details. */
    private static String adminDetail(AdminEvent event, String name) {
        try {
            return event.getDetails() == null ? null : event.getDetails().get(name);
        } catch (LinkageError e) {
            return null;
        }
    }

    /** The user id of an admin setting a user's password ({@code PUT users/{id}/reset-password}), else {@code null}. */
    static String passwordResetTarget(AdminEvent event) {
        String path = event.getResourcePath();
        if (path == null || event.getOperationType() != OperationType.ACTION || !path.startsWith("users/")) {
            return null;
        }
        String[] parts = path.split("/");
        return parts.length == 3 && "reset-password".equals(parts[2]) ? parts[1] : null;
    }

    /** The user id of an admin credential removal ({@code users/{id}/credentials/{credentialId}}), else {@code null}. */
    static String credentialRemovalTarget(AdminEvent event) {
        String path = event.getResourcePath();
        OperationType op = event.getOperationType();
        if (path == null || !path.startsWith("users/") || (op != OperationType.ACTION && op != OperationType.DELETE)) {
            return null;
        }
        String[] parts = path.split("/");
        return parts.length == 4 && "credentials".equals(parts[2]) ? parts[1] : null;
    }

    @Override
    public void close() {
        // the session is Keycloak's
    }
}
