package dev.breachresponse.keycloak.report;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;

import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.breachresponse.keycloak.support.Mail;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.RealmSettings;

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

    private SecurityNotices() {
    }

    /**
     * Queues the email for after the current transaction commits, when the realm sends security emails.
     *
     * @param factor the factor's key ({@code otp}, {@code webauthn}, …) for a factor change, else null
     */
    public static void afterCommit(KeycloakSession session, RealmModel realm, String userId, Change change, String factor) {
        afterCommit(session, realm, userId, change, factor, null);
    }

    /**
     * An email change, told to the previous address (the new one may be someone else's); a report from it restores
     * that address.
     */
    public static void emailChangedAfterCommit(KeycloakSession session, RealmModel realm, String userId, String previousEmail) {
        afterCommit(session, realm, userId, Change.EMAIL_CHANGED, null, previousEmail);
    }

    private static void afterCommit(KeycloakSession session, RealmModel realm, String userId, Change change, String factor, String previousEmail) {
        if (!Enforcement.settings(session, realm).userReports().securityEmails()) {
            return;
        }
        UriInfo uri = session.getContext().getUri();
        long at = Time.currentTimeMillis();
        Mail.afterCommit(session, realm.getId(), "a security email", (s, r, emails) -> send(s, r, emails, uri, userId, change, factor, previousEmail, at));
    }

    private static void send(KeycloakSession s, RealmModel realm, EmailTemplateProvider emails, UriInfo uri, String userId, Change change,
                             String factor, String previousEmail, long at) throws EmailException {
        UserModel user = s.users().getUserById(realm, userId);
        boolean toPrevious = change == Change.EMAIL_CHANGED;
        if (user == null || !user.isEnabled() || (toPrevious ? previousEmail == null : user.getEmail() == null || !user.isEmailVerified())) {
            return;
        }
        RealmSettings.UserReports settings = Enforcement.settings(s, realm).userReports();
        int expires = Time.currentTime() + settings.linkDays() * 86_400;
        String credentialType = change == Change.FACTOR_ADDED ? Factor.byKey(factor).map(f -> f.credentialType).orElse(null) : null;
        ReportToken token = new ReportToken(userId, expires, change, credentialType, at);
        token.setPreviousEmail(toPrevious ? previousEmail : null);
        String key = token.serialize(s, realm, uri);
        URI link = UriBuilder.fromUri(uri.getBaseUri()).path("realms").path(realm.getName()).path("breach-response").path("report")
                .queryParam("key", key).build();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("change", change.key());
        attributes.put("factor", factor == null ? "" : factor);
        attributes.put("when", Mail.WHEN.format(Instant.ofEpochMilli(at)));
        attributes.put("reportUrl", link.toString());
        attributes.put("linkDays", settings.linkDays());
        // an email change goes to the previous address (the new one may be someone else's), in the user's language
        UserModel to = toPrevious ? Mail.addressee(s, realm, user.getId(), user.getUsername(), previousEmail, user.getFirstAttribute(UserModel.LOCALE))
                : user;
        emails.setUser(to).send("breachSecuritySubject." + change.key(), List.of(), TEMPLATE, attributes);
    }
}
