package dev.breachresponse.keycloak.reminder;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.HygieneStore;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.Nudge;
import dev.breachresponse.keycloak.incident.RealmSettings;
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

    static final String HYGIENE_TEMPLATE = "breach-hygiene.ftl";

    record Sent(int sent, int failed, int cancelled, int hygieneSent, int hygieneFailed, int hygieneCancelled) {
    }

    private Sender() {
    }

    /**
     * Sends what is due: reminders first, then hygiene emails with what is left of the send cap (a breach outranks
     * hygiene). Each row in its own transaction; one admin event per realm and kind with the counts.
     */
    static Sent drain(KeycloakSessionFactory factory, String realmId, ReminderSettings settings) {
        List<String> ids = new ArrayList<>();
        List<String> nudgeIds = new ArrayList<>();
        KeycloakModelUtils.runJobInTransaction(factory, s -> {
            IncidentStore store = s.getProvider(IncidentStore.class);
            long now = Time.currentTimeMillis();
            ids.addAll(store.reminders().sendable(realmId, now, settings.maxAttempts(), settings.sendCap()));
            if (ids.size() < settings.sendCap()) {
                nudgeIds.addAll(store.hygiene().sendable(realmId, now, settings.maxAttempts(), settings.sendCap() - ids.size()));
            }
        });
        Tally reminders = send(factory, ids, s -> id -> sendOne(s, id, settings));
        Tally hygiene = send(factory, nudgeIds, s -> id -> sendNudge(s, id, settings));
        if (!reminders.perRealm.isEmpty() || !hygiene.perRealm.isEmpty()) {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                reminders.perRealm.forEach((rid, c) -> audit(s, rid, a -> a.sent(s.realms().getRealm(rid), c[0], c[1])));
                hygiene.perRealm.forEach((rid, c) -> audit(s, rid, a -> a.hygieneSent(s.realms().getRealm(rid), c[0], c[1])));
            });
        }
        return new Sent(reminders.counts[0], reminders.counts[1], reminders.counts[2], hygiene.counts[0], hygiene.counts[1], hygiene.counts[2]);
    }

    /** Counts of one kind of row: sent, failed, cancelled; and sent/failed per realm for the admin events. */
    private record Tally(int[] counts, Map<String, int[]> perRealm) {
    }

    private static Tally send(KeycloakSessionFactory factory, List<String> ids,
                              Function<KeycloakSession, Function<String, Outcome>> sender) {
        Tally t = new Tally(new int[3], new HashMap<>());
        for (String id : ids) {
            Outcome o;
            try {
                o = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> sender.apply(s).apply(id));
            } catch (RuntimeException e) {
                // one broken row must not stop the others; it stays as it was and is tried again next run
                LOG.errorf(e, "breach-response: outbox row %s could not be processed", id);
                continue;
            }
            if (o.kind != OutcomeKind.SKIPPED) {
                t.counts[o.kind.ordinal()]++;
            }
            if (o.realmId != null && (o.kind == OutcomeKind.SENT || o.kind == OutcomeKind.FAILED)) {
                t.perRealm.computeIfAbsent(o.realmId, k -> new int[2])[o.kind.ordinal()]++;
            }
        }
        return t;
    }

    private static void audit(KeycloakSession s, String realmId, Consumer<Audit> emit) {
        RealmModel realm = s.realms().getRealm(realmId);
        if (realm != null) {
            s.getContext().setRealm(realm);
            emit.accept(new Audit(s));
        }
    }

    /** The order of the first three is the index in {@link Tally#counts}. */
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
        if (r.state() != OutboxState.PENDING && r.state() != OutboxState.FAILED) {
            // another node sent it while we waited for the lock
            return new Outcome(OutcomeKind.SKIPPED, r.realmId());
        }
        RealmModel realm = session.realms().getRealm(r.realmId());
        Incident incident = realm == null ? null : store.findIncident(realm, r.incidentRowId()).orElse(null);
        Flag flag = incident == null ? null : store.findFlag(realm, incident.key(), r.userId()).orElse(null);
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
            String error = failure(e, realm, "reminder", r.attempts(), settings);
            store.reminders().markFailed(id, error, Time.currentTimeMillis() + settings.retrySeconds() * 1000L);
            return new Outcome(OutcomeKind.FAILED, r.realmId());
        }
    }

    /** The error to store and log: the cause's class and Keycloak's own sentence, never an address. */
    private static String failure(EmailException e, RealmModel realm, String what, int attemptsBefore, ReminderSettings settings) {
        String error = e.getClass().getSimpleName() + ": " + e.getMessage()
                + (e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")");
        if (String.valueOf(e.getMessage()).startsWith("Failed to template")) {
            // our templates come from the jar's theme-resources; a realm theme only breaks them by overriding
            // html/template.ftl without the emailLayout macro, or html|text/breach-*.ftl with errors
            error += " - does the realm's email theme override html/template.ftl (without the emailLayout macro) or"
                    + " a breach-*.ftl template?";
        }
        LOG.warnf("breach-response: %s email failed in realm %s (attempt %d of %d): %s", what, realm.getName(),
                attemptsBefore + 1, settings.maxAttempts(), error);
        return error;
    }

    private static Outcome sendNudge(KeycloakSession session, String id, ReminderSettings settings) {
        HygieneStore store = session.getProvider(IncidentStore.class).hygiene();
        Optional<Nudge> locked = store.lock(id);
        if (locked.isEmpty()) {
            return new Outcome(OutcomeKind.SKIPPED, null);
        }
        Nudge n = locked.get();
        if (n.state() != OutboxState.PENDING && n.state() != OutboxState.FAILED) {
            return new Outcome(OutcomeKind.SKIPPED, n.realmId());
        }
        RealmModel realm = session.realms().getRealm(n.realmId());
        if (realm == null) {
            return new Outcome(OutcomeKind.SKIPPED, null);
        }
        // there is no request: user lookups, the email provider and the theme need the realm in the context
        session.getContext().setRealm(realm);
        // what is true now decides, not what was true when the walk queued the row
        RealmSettings rs = Enforcement.settings(session, realm);
        UserModel user = session.users().getUserById(realm, n.userId());
        String why = null;
        List<String> asks = List.of();
        if (!rs.hygiene().on()) {
            why = "hygiene campaign switched off";
        } else if (user == null || user.getEmail() == null || user.getEmail().isBlank() || !user.isEnabled()) {
            why = user == null ? "user gone" : "no usable email address";
        } else if (!store.withOpenFlags(realm.getId(), List.of(user.getId())).isEmpty()) {
            why = "flagged: the incident's reminders take over";
        } else {
            List<HygieneStore.Credential> creds = user.credentialManager().getStoredCredentialsStream()
                    .map(c -> new HygieneStore.Credential(c.getType(), c.getCreatedDate())).toList();
            asks = Hygiene.asks(creds, rs, Time.currentTimeMillis()).stream().filter(n.asks()::contains).toList();
            if (asks.isEmpty()) {
                why = "nothing left to ask";
            }
        }
        if (why != null) {
            store.markCancelled(id, why);
            return new Outcome(OutcomeKind.CANCELLED, n.realmId());
        }
        Map<String, Object> a = new HashMap<>();
        a.put("askMfa", asks.contains(Nudge.MFA));
        a.put("askPassword", asks.contains(Nudge.PASSWORD_AGE));
        a.put("passwordAgeDays", rs.hygiene().passwordAgeDays());
        String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName() : realm.getDisplayName();
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send("breachHygieneSubject", List.of(realmName), HYGIENE_TEMPLATE, a);
            store.markSent(id, Time.currentTimeMillis(), asks);
            return new Outcome(OutcomeKind.SENT, n.realmId());
        } catch (EmailException e) {
            store.markFailed(id, failure(e, realm, "hygiene", n.attempts(), settings), Time.currentTimeMillis() + settings.retrySeconds() * 1000L);
            return new Outcome(OutcomeKind.FAILED, n.realmId());
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
