package dev.breachresponse.keycloak.reminder;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.authn.Factor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Policy;
import dev.breachresponse.keycloak.incident.Reminder;

/**
 * Drains the outbox: each row in its own transaction, locked while its email goes out, so a second node or a
 * restart never sends the same step twice. The one window SMTP cannot close: a crash after the mail server
 * accepted the message and before the commit leaves the row PENDING, and it is sent again.
 */
final class Sender {

    private static final Logger LOG = Logger.getLogger(Sender.class);

    static final String TEMPLATE = "breach-reminder.ftl";

    record Sent(int sent, int failed, int cancelled) {
    }

    private Sender() {
    }

    static Sent drain(KeycloakSessionFactory factory, String realmId, ReminderSettings settings) {
        List<String> ids = new ArrayList<>();
        KeycloakModelUtils.runJobInTransaction(factory, s ->
                ids.addAll(s.getProvider(IncidentStore.class).reminders().sendable(realmId, Time.currentTimeMillis(), settings.maxAttempts(), settings.sendCap())));
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        Map<String, int[]> perRealm = new HashMap<>();
        for (String id : ids) {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                Outcome o = sendOne(s, id, settings);
                switch (o.kind) {
                    case SENT -> sent.incrementAndGet();
                    case FAILED -> failed.incrementAndGet();
                    case CANCELLED -> cancelled.incrementAndGet();
                    case SKIPPED -> { }
                }
                if (o.realmId != null && (o.kind == OutcomeKind.SENT || o.kind == OutcomeKind.FAILED)) {
                    int[] c = perRealm.computeIfAbsent(o.realmId, k -> new int[2]);
                    c[o.kind == OutcomeKind.SENT ? 0 : 1]++;
                }
            });
        }
        if (!perRealm.isEmpty()) {
            KeycloakModelUtils.runJobInTransaction(factory, s -> perRealm.forEach((rid, c) -> {
                RealmModel realm = s.realms().getRealm(rid);
                if (realm != null) {
                    s.getContext().setRealm(realm);
                    new Audit(s).sent(realm, c[0], c[1]);
                }
            }));
        }
        return new Sent(sent.get(), failed.get(), cancelled.get());
    }

    enum OutcomeKind { SENT, FAILED, CANCELLED, SKIPPED }

    record Outcome(OutcomeKind kind, String realmId) {
    }

    private static Outcome sendOne(KeycloakSession session, String id, ReminderSettings settings) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        Optional<Reminder> locked = store.reminders().lock(id);
        if (locked.isEmpty()) {
            return new Outcome(OutcomeKind.SKIPPED, null);
        }
        Reminder r = locked.get();
        if (r.state() != Reminder.State.PENDING && r.state() != Reminder.State.FAILED) {
            // another node sent it while we waited for the lock
            return new Outcome(OutcomeKind.SKIPPED, r.realmId());
        }
        RealmModel realm = session.realms().getRealm(r.realmId());
        Incident incident = realm == null ? null : store.findIncidentByInternalId(realm, r.incidentInternalId()).orElse(null);
        Flag flag = incident == null ? null : store.findFlag(realm, incident.id(), r.userId()).orElse(null);
        if (flag == null || !flag.state().isOpen() || !incident.open()) {
            store.reminders().markCancelled(id, "flag no longer open");
            return new Outcome(OutcomeKind.CANCELLED, r.realmId());
        }
        // there is no request: the email provider and theme need the realm in the session context
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, r.userId());
        if (user == null || user.getEmail() == null || user.getEmail().isBlank() || !user.isEnabled()) {
            store.reminders().markCancelled(id, user == null ? "user gone" : "no usable email address");
            return new Outcome(OutcomeKind.CANCELLED, r.realmId());
        }
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send("breachReminderSubject", List.of(incident.title()), TEMPLATE, attributes(user, flag, incident, r));
            store.reminders().markSent(id, Time.currentTimeMillis());
            return new Outcome(OutcomeKind.SENT, r.realmId());
        } catch (EmailException e) {
            // no addresses in the error: the cause's class and Keycloak's own sentence
            String error = e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")");
            if (String.valueOf(e.getMessage()).startsWith("Failed to template")) {
                error += " - is the realm's email theme breach-response (or a child of it)? POST .../breach-response/setup sets it";
            }
            store.reminders().markFailed(id, error, Time.currentTimeMillis() + settings.retrySeconds() * 1000L);
            LOG.warnf("breach-response: reminder email failed in realm %s (attempt %d of %d): %s", realm.getName(),
                    r.attempts() + 1, settings.maxAttempts(), error);
            return new Outcome(OutcomeKind.FAILED, r.realmId());
        }
    }

    private static Map<String, Object> attributes(UserModel user, Flag flag, Incident incident, Reminder r) {
        Policy p = incident.policy();
        boolean hasFactor = Factor.configuredAny(user, p.allowedFactors());
        Map<String, Object> a = new HashMap<>();
        a.put("incidentTitle", incident.title());
        a.put("exposedData", incident.exposedData());
        a.put("askEnrol", p.requireMfa() && !hasFactor);
        a.put("askStepUp", p.requireMfa() && hasFactor && flag.state() == FlagState.FLAGGED);
        a.put("askPassword", p.requirePasswordChange() && flag.passwordChangedAt() == null);
        a.put("step", r.step() + 1);
        a.put("deadline", Schedule.escalates(p) && flag.escalatedAt() == null
                ? Instant.ofEpochMilli(flag.flaggedAt() + p.deadlineDays() * Schedule.DAY).atZone(ZoneOffset.UTC).toLocalDate().toString()
                : "");
        return a;
    }
}
