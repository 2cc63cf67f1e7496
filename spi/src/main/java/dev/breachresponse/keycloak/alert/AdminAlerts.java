package dev.breachresponse.keycloak.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.AlertStore;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.EnforcementGaps;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentActivity;
import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.IncidentRowId;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.JobState;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.RealmSettingsCodec;
import dev.breachresponse.keycloak.incident.StandingIncidents;
import dev.breachresponse.keycloak.support.Mail;

/**
 * Admin alerts (docs/alerts.md): decides in one transaction which of a realm's alerts are due and claims them
 * ({@link #planRealm}), then sends each claimed email in a transaction of its own ({@link #send}); a send that fails
 * gives its claim back, so the next run tries again. Emails go to the realm's alert contact in the realm's default language
 * (Keycloak's email theme of the realm: templates {@code breach-alert-digest.ftl} and {@code breach-alert.ftl}, html
 * and text) and hold counts, incident titles and login paths, never a user's address, a token or a link.
 */
public final class AdminAlerts {

    private static final Logger LOG = Logger.getLogger(AdminAlerts.class);

    /** The most open incidents one digest lists (the newest); the digest says how many there are in all. */
    static final int DIGEST_INCIDENTS = 50;

    /** The most login paths an alert or digest lists. */
    static final int PATHS = 20;

    private AdminAlerts() {
    }

    /** How long a claimed email may take to go out before another check puts the claim back (its node stopped). */
    static final long CLAIM_LEASE_MILLIS = 10 * 60_000L;

    /** A digest forced through the API goes at most once a minute. */
    static final long FORCED_DIGEST_GAP_MILLIS = 60_000L;

    /** One claimed email, ready to send. */
    record Outgoing(String realmId, AlertKind kind, long claimedAt, String contact, String locale, String subject,
                    List<Object> subjectArgs, String template, Map<String, Object> attributes) {
    }

    /**
     * What one run found for one kind in one realm: the measured {@code value} against its {@code threshold} (for the
     * digest: the open incidents when it is sent, else 0; threshold 0) and the {@code outcome}: {@code due} (claimed,
     * to be sent), {@code notDue}, {@code off} (threshold 0 or digest off), {@code claimed} (another run claimed it
     * first, or its email is still on its way).
     */
    public record Checked(AlertKind kind, long value, int threshold, String outcome) {
    }

    /** What {@link #planRealm} claimed and what it checked. */
    record Planned(List<Outgoing> outgoing, List<Checked> checked) {

        static final Planned NONE = new Planned(List.of(), List.of());
    }

    private static boolean alertsOn(RealmSettings settings) {
        return settings.alerts().enabled() && settings.alertContact() != null;
    }

    /** The realm's settings (Keycloak's cached realm and {@link Enforcement#settings}) when its alerts are on, else empty. */
    private static Optional<RealmSettings> alertsOn(KeycloakSession session, RealmModel realm) {
        if (realm == null) {
            return Optional.empty();
        }
        RealmSettings settings = Enforcement.settings(session, realm);
        return alertsOn(settings) ? Optional.of(settings) : Optional.empty();
    }

    /** The ids of the realms whose alerts are on, in a stable order (one read of the settings table; unreadable ones logged, left out). */
    static List<String> realmsWithAlerts(KeycloakSession session) {
        List<String> out = new ArrayList<>();
        new TreeMap<>(session.getProvider(IncidentStore.class).hygiene().realmConfigs()).forEach((realmId, json) -> {
            try {
                if (alertsOn(RealmSettingsCodec.fromStored(json))) {
                    out.add(realmId);
                }
            } catch (IllegalStateException ex) {
                LOG.warnf("breach-response: the stored settings of realm id %s are unreadable; its admin alerts are skipped", realmId);
            }
        });
        return out;
    }

    /**
     * Writes the realm's missing alert rows (digest: {@link AlertRules#digestSeed}; thresholds: 0). Run it in a
     * transaction of its own before {@link #planRealm}, letting it fail when another run seeded at the same moment.
     */
    static void seed(KeycloakSession session, String realmId, long now) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        Optional<RealmSettings> settings = alertsOn(session, session.realms().getRealm(realmId));
        if (settings.isEmpty()) {
            return;
        }
        Map<String, AlertStore.State> states = store.alerts().states(realmId);
        for (AlertKind kind : AlertKind.values()) {
            if (!states.containsKey(kind.key)) {
                store.alerts().seed(realmId, kind.key, kind == AlertKind.DIGEST ? AlertRules.digestSeed(now, settings.get().alerts().digestHourUtc()) : 0L);
            }
        }
    }

    /**
     * Checks one realm's alerts at {@code now} and claims what is due ({@code forceDigest}: the digest now, whatever
     * the hour, at most once a minute); returns null when the realm's alerts are off. Runs in the caller's transaction
     * (the claims commit with it); first puts back claims whose lease ran out.
     */
    static Planned planRealm(KeycloakSession session, String realmId, long now, boolean forceDigest) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        RealmModel realm = session.realms().getRealm(realmId);
        Optional<RealmSettings> settings = alertsOn(session, realm);
        if (settings.isEmpty()) {
            return null;
        }
        RealmSettings.Alerts a = settings.get().alerts();
        String contact = settings.get().alertContact();
        String locale = realm.isInternationalizationEnabled() ? realm.getDefaultLocale() : null;
        AlertStore alerts = store.alerts();
        int recovered = alerts.recover(realmId, now);
        if (recovered > 0) {
            LOG.warnf("breach-response: %d admin alert claims of realm id %s ran out without being sent; they are due again", recovered, realmId);
        }
        Map<String, AlertStore.State> states = alerts.states(realmId);
        List<Outgoing> out = new ArrayList<>();
        List<Checked> report = new ArrayList<>();
        long hourAgo = now - AlertRules.WINDOW_MILLIS;
        String realmLabel = displayName(realm);
        Claims claims = new Claims(alerts, realmId, states, now, a, contact, locale, realmLabel, out, report);

        Optional<Incident> reported = store.findIncident(realm, new IncidentKey(StandingIncidents.USER_REPORTED));
        long reports = reported.map(i -> alerts.flaggedSince(i.rowId().value(), StandingIncidents.REPORT_CAUSE, hourAgo)).orElse(0L);
        claims.threshold(AlertKind.USER_REPORTS, reports, a.userReportsPerHour(), List::of);

        List<EnforcementGaps.Gap> newestGaps = store.gaps().list(realmId, GAP_PATHS_COUNTED);
        List<EnforcementGaps.Gap> gaps = seenSince(newestGaps, hourAgo);
        claims.threshold(AlertKind.ENFORCEMENT_GAPS, gaps.size(), a.enforcementGapsPerHour(), () -> gapItems(gaps));

        Map<String, Long> failing = alerts.failedDeliveries(realmId);
        long failingAll = failing.values().stream().mapToLong(Long::longValue).sum();
        claims.threshold(AlertKind.FAILED_DELIVERIES, failingAll, a.failedDeliveries(), () -> outboxItems(failing));

        long failedJobs = alerts.jobsSince(realmId, hourAgo).values().stream().mapToLong(m -> m.getOrDefault(JobState.FAILED, 0L)).sum();
        claims.threshold(AlertKind.FAILED_JOBS, failedJobs, a.failedJobsPerHour(), List::of);

        // the daily digest: the incidents are read only when it goes
        AlertStore.State digest = states.get(AlertKind.DIGEST.key);
        String outcome;
        long open = 0;
        if (!a.digest() && !forceDigest) {
            outcome = "off";
        } else if (digest == null || digest.claimedUntil() != null) {
            outcome = "claimed";
        } else if (forceDigest ? now - digest.sentAt() < FORCED_DIGEST_GAP_MILLIS : !AlertRules.digestDue(digest.sentAt(), now, a.digestHourUtc())) {
            outcome = "notDue";
        } else if (!alerts.claim(realmId, AlertKind.DIGEST.key, digest.sentAt(), now, now + CLAIM_LEASE_MILLIS)) {
            outcome = "claimed";
        } else {
            outcome = "due";
            List<Incident> openIncidents = openIncidents(store, realm);
            open = openIncidents.size();
            Map<String, Object> attrs = digestAttributes(store, alerts, realm, openIncidents, reported, failing, newestGaps, now);
            attrs.put("realmLabel", realmLabel);
            out.add(new Outgoing(realmId, AlertKind.DIGEST, now, contact, locale, "breachAlertDigestSubject",
                    List.of(realmLabel, String.valueOf(open)), "breach-alert-digest.ftl", attrs));
        }
        report.add(new Checked(AlertKind.DIGEST, open, 0, outcome));
        return new Planned(out, report);
    }

    /** The most enforcement-gap paths read per check (the threshold's maximum); an email lists at most {@link #PATHS}. */
    static final int GAP_PATHS_COUNTED = 100;

    /** The threshold alerts of one realm's check: decides, claims, and adds the email. */
    private record Claims(AlertStore alerts, String realmId, Map<String, AlertStore.State> states, long now, RealmSettings.Alerts a, String contact,
                          String locale, String realmLabel, List<Outgoing> out, List<Checked> report) {

        void threshold(AlertKind kind, long value, int threshold, Items items) {
            AlertStore.State state = states.get(kind.key);
            String outcome;
            if (threshold <= 0) {
                outcome = "off";
            } else if (state == null || state.claimedUntil() != null) {
                outcome = "claimed";
            } else if (!AlertRules.thresholdDue(value, threshold, state.sentAt(), now, a.intervalMinutes())) {
                outcome = "notDue";
            } else if (!alerts.claim(realmId, kind.key, state.sentAt(), now, now + CLAIM_LEASE_MILLIS)) {
                outcome = "claimed";
            } else {
                outcome = "due";
                Map<String, Object> attrs = alertAttributes(kind, value, threshold, a, now);
                attrs.put("items", items.get());
                attrs.put("realmLabel", realmLabel);
                out.add(new Outgoing(realmId, kind, now, contact, locale, "breachAlertSubject." + kind.key,
                        List.of(realmLabel, String.valueOf(value)), "breach-alert.ftl", attrs));
            }
            report.add(new Checked(kind, value, threshold, outcome));
        }
    }

    private interface Items {
        List<Map<String, Object>> get();
    }

    private static Map<String, Object> alertAttributes(AlertKind kind, long value, int threshold, RealmSettings.Alerts a, long now) {
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("kind", kind.key);
        attrs.put("count", String.valueOf(value));
        attrs.put("threshold", String.valueOf(threshold));
        attrs.put("intervalMinutes", String.valueOf(a.intervalMinutes()));
        attrs.put("when", Mail.WHEN.format(Instant.ofEpochMilli(now)));
        return attrs;
    }

    /** The gaps (newest first) seen at or after {@code since}. */
    private static List<EnforcementGaps.Gap> seenSince(List<EnforcementGaps.Gap> gaps, long since) {
        return gaps.stream().filter(g -> g.lastSeenAt() >= since).toList();
    }

    /** The first {@link #PATHS} gaps, as the templates read them. */
    private static List<Map<String, Object>> gapItems(List<EnforcementGaps.Gap> gaps) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (EnforcementGaps.Gap g : gaps.subList(0, Math.min(PATHS, gaps.size()))) {
            items.add(Map.of("path", g.path(), "refused", String.valueOf(g.refused()), "lastSeen", Mail.WHEN.format(Instant.ofEpochMilli(g.lastSeenAt()))));
        }
        return items;
    }

    /** The failing outboxes in the store's order, as the templates read them. */
    private static List<Map<String, Object>> outboxItems(Map<String, Long> failing) {
        List<Map<String, Object>> items = new ArrayList<>();
        failing.forEach((outbox, n) -> items.add(Map.of("outbox", outbox, "count", String.valueOf(n))));
        return items;
    }

    /** The realm's open incidents (standing ones included: they exist once something was flagged in them). */
    private static List<Incident> openIncidents(IncidentStore store, RealmModel realm) {
        List<Incident> open = new ArrayList<>();
        for (int first = 0; ; first += 200) {
            List<Incident> page = store.listIncidents(realm, first, 200);
            page.stream().filter(Incident::open).forEach(open::add);
            if (page.size() < 200) {
                return open;
            }
        }
    }

    private static Map<String, Object> digestAttributes(IncidentStore store, AlertStore alerts, RealmModel realm, List<Incident> open,
                                                        Optional<Incident> reported, Map<String, Long> failing,
                                                        List<EnforcementGaps.Gap> newestGaps, long now) {
        long dayAgo = now - AlertRules.DAY_MILLIS;
        List<Incident> shown = open.subList(0, Math.min(DIGEST_INCIDENTS, open.size()));
        Map<IncidentRowId, IncidentActivity> activity = store.activity(realm, shown);
        Map<String, Map<FlagState, Long>> changes = alerts.transitionsSince(shown.stream().map(i -> i.rowId().value()).toList(), dayAgo);
        Map<String, Map<JobState, Long>> jobs = alerts.jobsSince(realm.getId(), dayAgo);
        List<Map<String, Object>> incidents = new ArrayList<>();
        for (Incident i : shown) {
            IncidentActivity now1 = activity.getOrDefault(i.rowId(), IncidentActivity.NONE);
            Map<FlagState, Long> day = changes.getOrDefault(i.rowId().value(), Map.of());
            Map<JobState, Long> j = jobs.getOrDefault(i.rowId().value(), Map.of());
            Map<String, Object> m = new HashMap<>();
            m.put("key", i.key().value());
            m.put("title", oneLine(i.title()));
            m.put("since", Mail.WHEN.format(Instant.ofEpochMilli(i.createdAt())));
            m.put("flagged", count(now1.count(FlagState.FLAGGED)));
            m.put("steppedUp", count(now1.count(FlagState.STEPPED_UP)));
            m.put("remediated", count(now1.count(FlagState.REMEDIATED)));
            m.put("dismissed", count(now1.count(FlagState.DISMISSED)));
            m.put("remediatedPercent", String.valueOf(now1.remediatedPercent()));
            m.put("newFlagged", count(day.getOrDefault(FlagState.FLAGGED, 0L)));
            m.put("newSteppedUp", count(day.getOrDefault(FlagState.STEPPED_UP, 0L)));
            m.put("newRemediated", count(day.getOrDefault(FlagState.REMEDIATED, 0L)));
            m.put("newDismissed", count(day.getOrDefault(FlagState.DISMISSED, 0L)));
            m.put("jobsSucceeded", count(j.getOrDefault(JobState.SUCCEEDED, 0L)));
            m.put("jobsFailed", count(j.getOrDefault(JobState.FAILED, 0L)));
            m.put("jobsRunning", count(j.getOrDefault(JobState.QUEUED, 0L) + j.getOrDefault(JobState.RUNNING, 0L)));
            incidents.add(m);
        }
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("when", Mail.WHEN.format(Instant.ofEpochMilli(now)));
        attrs.put("openIncidents", String.valueOf(open.size()));
        attrs.put("incidents", incidents);
        attrs.put("reports", count(reported.map(i -> alerts.flaggedSince(i.rowId().value(), StandingIncidents.REPORT_CAUSE, dayAgo)).orElse(0L)));
        attrs.put("deliveries", outboxItems(failing));
        attrs.put("gaps", gapItems(seenSince(newestGaps, dayAgo)));
        return attrs;
    }

    /** An admin-written text as one line: control characters (line breaks) become spaces, so it cannot forge lines of the text part. */
    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\p{Cntrl}+", " ").strip();
    }

    private static String count(long n) {
        return String.valueOf(n);
    }

    private static String displayName(RealmModel realm) {
        String d = realm.getDisplayName();
        return d == null || d.isBlank() ? realm.getName() : d;
    }

    /**
     * Sends one claimed email in a transaction of its own, with the realm bound, to the contact in the realm's default
     * language; then confirms the claim, or on failure gives it back (each in another transaction) and logs the kind,
     * the realm id and the exception's class, never the address or the message. Returns whether it went out.
     */
    static boolean send(KeycloakSessionFactory factory, Outgoing o) {
        // the claim may have waited in the executor's queue: extend its lease from now, or let it go if it is gone
        boolean held;
        try {
            held = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> s.getProvider(IncidentStore.class).alerts()
                    .renew(o.realmId(), o.kind().key, o.claimedAt(), Time.currentTimeMillis() + CLAIM_LEASE_MILLIS));
        } catch (RuntimeException e) {
            held = false;
        }
        if (!held) {
            LOG.warnf("breach-response: the %s alert of realm id %s was not sent: its claim ran out before its turn (a later check sends it)",
                    o.kind().key, o.realmId());
            return false;
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                RealmModel realm = s.realms().getRealm(o.realmId());
                if (realm == null) {
                    throw new IllegalStateException("the realm was removed");
                }
                s.getContext().setRealm(realm);
                try {
                    s.getProvider(EmailTemplateProvider.class).setRealm(realm)
                            .setUser(Mail.addressee(s, realm, KeycloakModelUtils.generateId(), "security-contact", o.contact(), o.locale()))
                            .send(o.subject(), o.subjectArgs(), o.template(), o.attributes());
                } catch (EmailException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (RuntimeException e) {
            Throwable cause = e instanceof IllegalStateException && e.getCause() != null ? e.getCause() : e;
            LOG.warnf("breach-response: could not send the %s alert of realm id %s (%s; Keycloak's own log line says why); the next check tries again",
                    o.kind().key, o.realmId(), cause.getClass().getSimpleName());
            settle(factory, o, false);
            return false;
        }
        settle(factory, o, true);
        return true;
    }

    private static void settle(KeycloakSessionFactory factory, Outgoing o, boolean sent) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, s -> {
                    AlertStore alerts = s.getProvider(IncidentStore.class).alerts();
                    if (sent) {
                        alerts.confirm(o.realmId(), o.kind().key, o.claimedAt());
                    } else {
                        alerts.release(o.realmId(), o.kind().key, o.claimedAt());
                    }
                });
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        // the claim's lease runs out and a later check puts it back (after a sent email: it goes a second time)
        LOG.warnf("breach-response: could not %s the %s alert claim of realm id %s (%s)%s", sent ? "confirm" : "give back", o.kind().key,
                o.realmId(), last.getClass().getSimpleName(), sent ? "; it will be sent again when its lease runs out" : "");
    }
}
