package dev.breachresponse.keycloak.report;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.Urls;

import dev.breachresponse.keycloak.support.Mail;
import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.StandingIncidents;
import dev.breachresponse.keycloak.incident.SystemAdminEvents;
import dev.breachresponse.keycloak.incident.WebhookEvent;
import dev.breachresponse.keycloak.metrics.BreachMetrics;
import dev.breachresponse.keycloak.revocation.SessionRevoker;

/**
 * {@code /realms/{realm}/breach-response/report}: the "This wasn't me" link of a security email. {@code GET ?key=}
 * shows what happened and a button, and changes nothing (mail scanners and prefetchers follow links);
 * {@code POST key=} acts once: the token is marked used (cluster-wide, Keycloak's single-use store), the user is
 * flagged in the standing incident {@value StandingIncidents#USER_REPORTED} (actor {@code user:<id>}) and signed out
 * everywhere, the realm's security contact gets an email, and an admin event {@code BREACH_USER_REPORT} is recorded. At
 * most one report per user and hour acts; a used, expired, forged or foreign token gets a page saying so and changes
 * nothing. No sign-in is needed: the signed token is the capability. Pages are the realm's login theme, in the
 * user's language, {@code Cache-Control: no-store}, {@code Referrer-Policy: no-referrer}.
 */
public final class ReportResource {

    static final String TEMPLATE = "breach-report.ftl";
    static final String CONTACT_TEMPLATE = "breach-report-received.ftl";

    /** A user's reports act at most once in this time (seconds). */
    static final int ONE_REPORT_PER_SECONDS = 3600;

    /** Longest key read (a signed action token is well under 2 KB). */
    static final int MAX_KEY = 4096;

    private static final Logger LOG = Logger.getLogger(ReportResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public ReportResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** A checked token: the token, its user and change, or the page state that refuses it (invalid, expired, used). */
    private record Checked(ReportToken token, UserModel user, Change change, String refused) {

        static Checked refused(String state) {
            return new Checked(null, null, null, state);
        }
    }

    @GET
    public Response show(@QueryParam("key") String key) {
        Checked c = check(key);
        return page(c, c.refused() != null ? c.refused() : "confirm", key);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response report(@FormParam("key") String key) {
        Checked c = check(key);
        if (c.refused() != null) {
            BreachMetrics.userReportAfterCommit(session, BreachMetrics.UserReport.REFUSED);
            return page(c, c.refused(), null);
        }
        ReportToken t = c.token();
        UserModel user = c.user();
        String rateKey = "breach-report:" + realm.getId() + ":" + user.getId();
        if (session.singleUseObjects().contains(rateKey)) {
            BreachMetrics.userReportAfterCommit(session, BreachMetrics.UserReport.ALREADY);
            return page(c, "already", null); // the link stays usable (an hour later, or by the help desk's request)
        }
        Actor actor = Actor.user(user.getId());
        Flagging.Revocation revocation = SessionRevoker.byId(session, realm);
        Incident incident = StandingIncidents.userReported(session, realm, actor).orElse(null);
        boolean flagged = incident != null; // closed by an admin: no new flag, but the reporter is signed out all the same
        boolean revoked = false;
        if (flagged) {
            Flagging.Flagged f = new Flagging(session, realm, revocation).flag(incident, user.getId(), actor, StandingIncidents.REPORT_CAUSE + ": " + c.change().key());
            // Flagging revokes only for a flag it wrote under a policy that says so
            revoked = incident.policy().revokeSessions() && f.result().outcome() != IncidentStore.FlagOutcome.ALREADY_FLAGGED;
        }
        if (!revoked) {
            revocation.revoke(List.of(user.getId()));
        }
        int removed = c.change() == Change.FACTOR_ADDED ? removeReportedFactor(user, t) : 0;
        boolean emailRestored = c.change() == Change.EMAIL_CHANGED && restoreEmail(user, t);
        Map<String, Object> representation = new LinkedHashMap<>();
        representation.put("userId", user.getId());
        representation.put("change", c.change().key());
        representation.put("incidentId", StandingIncidents.USER_REPORTED);
        representation.put("flagged", flagged);
        representation.put("factorsRemoved", removed);
        representation.put("emailRestored", emailRestored);
        session.getProvider(IncidentStore.class).webhooks().signal(realm, WebhookEvent.USER_REPORTED, user.getId(), representation);
        SystemAdminEvents.emit(session, realm, BreachResourceType.BREACH_USER_REPORT,
                "breach-response/incidents/" + StandingIncidents.USER_REPORTED + "/flags/" + user.getId(), representation, "breach-response-report");
        // marked used last, once everything above is written: a report that fails before rolls back and leaves the link
        // usable; of two concurrent POSTs of one link, one wins the single-use store and the other's transaction is rolled
        // back (the single-use store is not part of the transaction: only a failing commit itself can still burn a link)
        long lifespan = Math.max(60, t.getExp() - Time.currentTime() + 60);
        if (!session.singleUseObjects().putIfAbsent(t.serializeKey(), lifespan)) {
            session.getTransactionManager().setRollbackOnly();
            return page(c, "used", null);
        }
        session.singleUseObjects().put(rateKey, ONE_REPORT_PER_SECONDS, Map.of()); // Keycloak stores it with the session's transaction
        tellSecurityContact(user, c.change(), removed);
        BreachMetrics.userReportAfterCommit(session, BreachMetrics.UserReport.REPORTED);
        LOG.infof("breach-response: a user of realm %s reported a change they did not make (%s); flagged and signed out", realm.getName(), c.change().key());
        return page(c, "done", null);
    }

    private Checked check(String key) {
        if (key == null || key.isBlank() || key.length() > MAX_KEY) {
            return Checked.refused("invalid");
        }
        ReportToken t;
        try {
            t = session.tokens().decode(key, ReportToken.class); // the signature, by a key of this realm
        } catch (RuntimeException e) {
            t = null;
        }
        String issuer = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
        if (t == null || !ReportToken.ACTION.equals(t.getActionId()) || t.getActionVerificationNonce() == null || t.getExp() == null
                || !issuer.equals(t.getIssuer()) || t.getUserId() == null) {
            return Checked.refused("invalid");
        }
        Change change = Change.byKey(t.getChange()).orElse(null);
        UserModel user = session.users().getUserById(realm, t.getUserId());
        if (change == null || user == null) {
            return Checked.refused("invalid");
        }
        if (!t.isActive()) {
            return new Checked(t, user, change, "expired");
        }
        if (session.singleUseObjects().contains(t.serializeKey())) {
            return new Checked(t, user, change, "used");
        }
        return new Checked(t, user, change, null);
    }

    /** The page of a state; {@code key} goes back only into the confirmation form (it is the capability). */
    private Response page(Checked c, String state, String key) {
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class);
        if (c.user() != null) {
            forms.setUser(c.user());
        }
        Map<String, Object> report = new HashMap<>();
        report.put("state", state);
        report.put("change", c.change() == null ? "" : c.change().key());
        report.put("username", c.user() == null ? "" : c.user().getUsername());
        report.put("action", UriBuilder.fromUri(session.getContext().getUri().getBaseUri()).path("realms").path(realm.getName())
                .path("breach-response").path("report").build().toString());
        report.put("key", "confirm".equals(state) && key != null ? key : "");
        Response r = forms.setAttribute("breachReport", report).createForm(TEMPLATE);
        int status = switch (state) {
            case "confirm", "done", "already" -> 200;
            case "expired", "used" -> 410;
            default -> 400;
        };
        return Response.fromResponse(r).status(status)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    /** Emails the realm's security contact (after commit, in the realm's default language), when there is one. */
    /**
     * For a reported "factor added": removes the user's credentials of that type created around the reported change
     * (from a minute before it until it was told, Keycloak's clock), so that the factor someone else added cannot sign in
     * after the user has proven their mailbox and set a new password. Returns how many were removed.
     */
    private int removeReportedFactor(UserModel user, ReportToken t) {
        String type = t.getCredentialType();
        if (type == null || Factor.byCredentialType(type).isEmpty() || t.getChangedAt() <= 0) {
            return 0;
        }
        long from = t.getChangedAt() - 60_000;
        long to = t.getChangedAt() + 5_000;
        List<String> ids = user.credentialManager().getStoredCredentialsByTypeStream(type)
                .filter(cr -> cr.getCreatedDate() != null && cr.getCreatedDate() >= from && cr.getCreatedDate() <= to)
                .map(CredentialModel::getId).toList();
        ids.forEach(user.credentialManager()::removeStoredCredentialById);
        return ids.size();
    }

    /**
     * For a reported email change: puts back the previous address, verified (the report came through a link sent to
     * it), so that the mailbox proof at the next sign-in goes to the owner's mailbox, not to the new one.
     */
    private boolean restoreEmail(UserModel user, ReportToken t) {
        String previous = t.getPreviousEmail();
        if (previous == null || previous.isBlank() || previous.equalsIgnoreCase(user.getEmail())) {
            return false;
        }
        UserModel holder = session.users().getUserByEmail(realm, previous);
        if (holder != null && !holder.getId().equals(user.getId())) {
            // someone took the address meanwhile (the realm may require unique emails): the report still flags and signs
            // out; the security contact is told that the address was not put back
            return false;
        }
        user.setEmail(previous);
        user.setEmailVerified(true);
        return true;
    }

    private void tellSecurityContact(UserModel user, Change change, int factorsRemoved) {
        String contact = Enforcement.settings(session, realm).userReports().securityContact();
        if (contact == null) {
            return;
        }
        String userId = user.getId();
        long at = Time.currentTimeMillis();
        Mail.afterCommit(session, realm.getId(), "the security contact's email", (s, r, emails) -> {
            UserModel reporter = s.users().getUserById(r, userId);
            if (reporter == null) {
                return;
            }
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("reportedUsername", reporter.getUsername());
            attributes.put("reportedUserId", reporter.getId());
            attributes.put("change", change.key());
            attributes.put("when", Mail.WHEN.format(Instant.ofEpochMilli(at)));
            attributes.put("incidentId", StandingIncidents.USER_REPORTED);
            attributes.put("factorsRemoved", factorsRemoved);
            emails.setUser(Mail.addressee(s, r, KeycloakModelUtils.generateId(), "security-contact", contact, null))
                    .send("breachReportReceivedSubject", List.of(reporter.getUsername()), CONTACT_TEMPLATE, attributes);
        });
    }
}
