package dev.breachresponse.keycloak.support;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.adapter.InMemoryUserAdapter;

/**
 * How the extension's emails to people who are not (or not as) stored users go out (security notices, the security
 * contact's report email): after the current
 * transaction commits (never for a change that rolled back), in a transaction of their own with the realm bound, as
 * Keycloak's own email event listener sends; a failure is logged, never raised.
 */
public final class Mail {

    private static final Logger LOG = Logger.getLogger(Mail.class);

    /** How the extension's emails write a time: {@code 2026-12-02 07:00 UTC}. */
    public static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** Renders and sends one email in the job's session; {@code emails} is bound to the realm. */
    public interface Job {
        void send(KeycloakSession session, RealmModel realm, EmailTemplateProvider emails) throws EmailException;
    }

    private Mail() {
    }

    /** @param what the email's kind, for the log line of a failure ("a security email") */
    public static void afterCommit(KeycloakSession session, String realmId, String what, Job job) {
        AfterCommit.run(session, () -> {
            try {
                KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> {
                    RealmModel realm = s.realms().getRealm(realmId);
                    if (realm == null) {
                        return;
                    }
                    s.getContext().setRealm(realm); // user look-ups and token signing need the realm bound
                    try {
                        job.send(s, realm, s.getProvider(EmailTemplateProvider.class).setRealm(realm));
                    } catch (EmailException e) {
                        LOG.warnf("breach-response: could not send %s in realm %s: %s", what, realm.getName(), e.getMessage());
                    }
                });
            } catch (RuntimeException e) {
                LOG.warnf("breach-response: could not send %s: %s", what, e.getMessage());
            }
        });
    }

    /**
     * An addressee that is not a stored user at that address (the security contact; a user at their previous address):
     * Keycloak's in-memory user, as Keycloak itself uses for organization invitations. {@code locale} may be null (the
     * realm's default language).
     */
    public static UserModel addressee(KeycloakSession s, RealmModel realm, String id, String username, String email, String locale) {
        InMemoryUserAdapter to = new InMemoryUserAdapter(s, realm, id);
        to.setUsername(username);
        to.setEmail(email);
        to.setEnabled(true);
        to.setEmailVerified(true);
        if (locale != null) {
            to.setSingleAttribute(UserModel.LOCALE, locale);
        }
        return to;
    }
}
