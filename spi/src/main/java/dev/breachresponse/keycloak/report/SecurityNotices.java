package dev.breachresponse.keycloak.report;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.support.AfterCommit;

/**
 * Security emails (realm setting {@code userReports.securityEmails}): "your password was changed", "a second factor
 * was added / removed", in the user's language, html and text, with one link only: "This wasn't me"
 * ({@link ReportToken}, single use, {@code linkDays} days). Sent after the change commits (never for a rolled-back
 * one), in a transaction of their own, to verified addresses of enabled users, as Keycloak's own email event
 * listener does; a failure to send is logged, never raised.
 */
public final class SecurityNotices {

    static final String TEMPLATE = "breach-security-notice.ftl";

    /** How the time of a change reads in an email (UTC). */
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private static final Logger LOG = Logger.getLogger(SecurityNotices.class);

    private SecurityNotices() {
    }

    /**
     * Queues the email for after the current transaction commits, when the realm sends security emails.
     *
     * @param factor the factor's key ({@code otp}, {@code webauthn}, …) for a factor change, else null
     */
    public static void afterCommit(KeycloakSession session, RealmModel realm, String userId, Change change, String factor) {
        if (!Enforcement.settings(session, realm).userReports().securityEmails()) {
            return;
        }
        UriInfo uri = session.getContext().getUri();
        String realmId = realm.getId();
        long at = Time.currentTimeMillis();
        AfterCommit.run(session, () -> {
            try {
                KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> send(s, uri, realmId, userId, change, factor, at));
            } catch (RuntimeException e) {
                LOG.warnf("breach-response: could not send a security email: %s", e.getMessage());
            }
        });
    }

    private static void send(KeycloakSession s, UriInfo uri, String realmId, String userId, Change change, String factor, long at) {
        RealmModel realm = s.realms().getRealm(realmId);
        if (realm == null) {
            return;
        }
        s.getContext().setRealm(realm); // the token is signed with this realm's key
        UserModel user = s.users().getUserById(realm, userId);
        if (user == null || !user.isEnabled() || user.getEmail() == null || !user.isEmailVerified()) {
            return;
        }
        RealmSettings.UserReports settings = Enforcement.settings(s, realm).userReports();
        int expires = Time.currentTime() + settings.linkDays() * 86_400;
        String key = new ReportToken(userId, expires, change).serialize(s, realm, uri);
        URI link = UriBuilder.fromUri(uri.getBaseUri()).path("realms").path(realm.getName()).path("breach-response").path("report")
                .queryParam("key", key).build();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("change", change.key());
        attributes.put("factor", factor == null ? "" : factor);
        attributes.put("when", WHEN.format(Instant.ofEpochMilli(at)));
        attributes.put("reportUrl", link.toString());
        attributes.put("linkDays", settings.linkDays());
        try {
            s.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send("breachSecuritySubject." + change.key(), List.of(), TEMPLATE, attributes);
        } catch (EmailException e) {
            LOG.warnf("breach-response: could not send a security email in realm %s: %s", realm.getName(), e.getMessage());
        }
    }
}
