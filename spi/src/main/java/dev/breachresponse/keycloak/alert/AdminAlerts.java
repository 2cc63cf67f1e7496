package dev.breachresponse.keycloak.alert;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.AlertStore;
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
 * ({@link #plan}), then sends each claimed email in a transaction of its own ({@link #send}); a send that fails gives
 * its claim back, so the next run tries again. Emails go to the realm's alert contact in the realm's default language
 * (Keycloak's email theme of the realm: templates {@code breach-alert-digest.ftl} and {@code breach-alert.ftl}, html
 * and text) and hold counts, incident titles and login paths, never a user's address, a token or a link.
 */
public final class AdminAlerts {

    private static final Logger LOG = Logger.getLogger(AdminAlerts.class);

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** The most open incidents one digest lists (the newest); the digest says how many there are in all. */
    static final int DIGEST_INCIDENTS = 50;

    /** The most login paths an alert or digest lists. */
    static final int PATHS = 20;

    private AdminAlerts() {
    }

    /** One claimed email, ready to send. */
    record Outgoing(String realmId, AlertKind kind, long claimedAt, Long previous, String contact, String subject,
                    List<Object> subjectArgs, String template, Map<String, Object> attributes) {
    }

    /**
     * What one run found for one kind in one realm: the measured {@code value} against its {@code threshold} (for the
     * digest: open incidents, threshold 0) and the {@code outcome}: {@code due} (claimed, to be sent), {@code notDue},
     * {@code off} (threshold 0 or digest off), {@code claimed} (another run claimed it first).
     */
    public record Checked(AlertKind kind, long value, int threshold, String outcome) {
    }

    /** What {@link #plan} claimed and what it checked (per realm id). */
    record Planned(List<Outgoing> outgoing, Map<String, List<Checked>> checked) {
    }

    /**
     * Checks the realms whose alerts are on ({@code onlyRealmId} null: every realm, else that one) at {@code now} and
     * claims what is due; {@code forceDigest} sends the digest of that realm now whatever the hour. Runs in the
     * caller's transaction (the claims commit with it).
     */
    static Planned plan(KeycloakSession session, String onlyRealmId, long now, boolean forceDigest) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        List<Outgoing> out = new ArrayList<>();
        Map<String, List<Checked>> checked = new LinkedHashMap<>();
        Map<String, String> configs = store.hygiene().realmConfigs();
        for (Map.Entry<String, String> e : new TreeMap<>(configs).entrySet()) {
            if (onlyRealmId != null && !onlyRealmId.equals(e.getKey())) {
                continue;
            }
            RealmSettings settings;
            try {
                settings = RealmSettingsCodec.fromStored(e.getValue());
            } catch (IllegalStateException ex) {
                LOG.warnf("breach-response: the stored settings of realm id %s are unreadable; its alerts are skipped", e.getKey());
                continue;
            }
            String contact = settings.alertContact();
            RealmModel realm = session.realms().getRealm(e.getKey());
            if (realm == null || !settings.alerts().enabled() || contact == null) {
                continue;
            }
            List<Checked> report = new ArrayList<>();
            checked.put(realm.getId(), report);
            planRealm(session, store, realm, settings.alerts(), contact, now, forceDigest && realm.getId().equals(onlyRealmId), out, report);
        }
        return new Planned(out, checked);
    }

    private static void planRealm(KeycloakSession session, IncidentStore store, RealmModel realm, RealmSettings.Alerts a, String contact,
                                  long now, boolean forceDigest, List<Outgoing> out, List<Checked> report) {
        AlertStore alerts = store.alerts();
        Map<String, Long> last = alerts.lastSent(realm.getId());
        long hourAgo = now - AlertRules.WINDOW_MILLIS;
        String realmName = displayName(realm);

        // user reports: flags entering FLAGGED in the standing incident user-reported in the last hour
        Optional<Incident> reported = store.findIncident(realm, new IncidentKey(StandingIncidents.USER_REPORTED));
        long reports = reported.map(i -> flaggedSince(alerts, i, hourAgo)).orElse(0L);
        threshold(AlertKind.USER_REPORTS, reports, a.userReportsPerHour(), a, last, now, report, alerts, realm, () -> {
            Map<String, Object> attrs = alertAttributes(AlertKind.USER_REPORTS, reports, a, now);
            attrs.put("items", List.of());
            return attrs;
        }, realmName, contact, out);

        List<EnforcementGaps.Gap> gaps = store.gaps().list(realm.getId(), PATHS).stream().filter(g -> g.lastSeenAt() >= hourAgo).toList();
        threshold(AlertKind.ENFORCEMENT_GAPS, gaps.size(), a.enforcementGapsPerHour(), a, last, now, report, alerts, realm, () -> {
            Map<String, Object> attrs = alertAttributes(AlertKind.ENFORCEMENT_GAPS, gaps.size(), a, now);
            attrs.put("items", gapItems(gaps));
            return attrs;
        }, realmName, contact, out);

        Map<String, Long> failing = alerts.failedDeliveries(realm.getId());
        long failingAll = failing.values().stream().mapToLong(Long::longValue).sum();
        threshold(AlertKind.FAILED_DELIVERIES, failingAll, a.failedDeliveries(), a, last, now, report, alerts, realm, () -> {
            Map<String, Object> attrs = alertAttributes(AlertKind.FAILED_DELIVERIES, failingAll, a, now);
            attrs.put("items", outboxItems(failing));
            return attrs;
        }, realmName, contact, out);

        long failedJobs = alerts.jobsSince(realm.getId(), hourAgo).values().stream()
                .mapToLong(m -> m.getOrDefault(JobState.FAILED, 0L)).sum();
        threshold(AlertKind.FAILED_JOBS, failedJobs, a.failedJobsPerHour(), a, last, now, report, alerts, realm, () -> {
            Map<String, Object> attrs = alertAttributes(AlertKind.FAILED_JOBS, failedJobs, a, now);
            attrs.put("items", List.of());
            return attrs;
        }, realmName, contact, out);

        // the daily digest
        List<Incident> open = openIncidents(store, realm);
        String kind = AlertKind.DIGEST.key;
        Long previous = last.get(kind);
        String outcome;
        if (!a.digest() && !forceDigest) {
            outcome = "off";
        } else if (!forceDigest && !AlertRules.digestDue(previous, now, a.digestHourUtc())) {
            outcome = "notDue";
        } else if (!alerts.claim(realm.getId(), kind, previous, now)) {
            outcome = "claimed";
        } else {
            outcome = "due";
            Map<String, Object> attrs = digestAttributes(store, alerts, realm, open, reported, failing, now);
            out.add(new Outgoing(realm.getId(), AlertKind.DIGEST, now, previous, contact, "breachAlertDigestSubject",
                    List.of(realmName, String.valueOf(open.size())), "breach-alert-digest.ftl", attrs));
        }
        report.add(new Checked(AlertKind.DIGEST, open.size(), 0, outcome));
    }

    private interface Attributes {
        Map<String, Object> get();
    }

    private static void threshold(AlertKind kind, long value, int threshold, RealmSettings.Alerts a, Map<String, Long> last, long now,
                                  List<Checked> report, AlertStore alerts, RealmModel realm, Attributes attributes, String realmName,
                                  String contact, List<Outgoing> out) {
        Long previous = last.get(kind.key);
        String outcome;
        if (threshold <= 0) {
            outcome = "off";
        } else if (!AlertRules.thresholdDue(value, threshold, previous, now, a.intervalMinutes())) {
            outcome = "notDue";
        } else if (!alerts.claim(realm.getId(), kind.key, previous, now)) {
            outcome = "claimed";
        } else {
            outcome = "due";
            out.add(new Outgoing(realm.getId(), kind, now, previous, contact, "breachAlertSubject." + kind.key,
                    List.of(realmName, String.valueOf(value)), "breach-alert.ftl", attributes.get()));
        }
        report.add(new Checked(kind, value, threshold, outcome));
    }

    private static long flaggedSince(AlertStore alerts, Incident i, long since) {
        String id = i.rowId().value();
        return alerts.transitionsSince(List.of(id), since).getOrDefault(id, Map.of()).getOrDefault(FlagState.FLAGGED, 0L);
    }

    private static Map<String, Object> alertAttributes(AlertKind kind, long value, RealmSettings.Alerts a, long now) {
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("kind", kind.key);
        attrs.put("count", String.valueOf(value));
        attrs.put("threshold", String.valueOf(switch (kind) {
            case USER_REPORTS -> a.userReportsPerHour();
            case ENFORCEMENT_GAPS -> a.enforcementGapsPerHour();
            case FAILED_DELIVERIES -> a.failedDeliveries();
            case FAILED_JOBS -> a.failedJobsPerHour();
            case DIGEST -> 0;
        }));
        attrs.put("intervalMinutes", String.valueOf(a.intervalMinutes()));
        attrs.put("when", WHEN.format(Instant.ofEpochMilli(now)));
        return attrs;
    }

    private static List<Map<String, Object>> gapItems(List<EnforcementGaps.Gap> gaps) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (EnforcementGaps.Gap g : gaps) {
            items.add(Map.of("path", g.path(), "refused", String.valueOf(g.refused()), "lastSeen", WHEN.format(Instant.ofEpochMilli(g.lastSeenAt()))));
        }
        return items;
    }

    private static List<Map<String, Object>> outboxItems(Map<String, Long> failing) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (String outbox : List.of("reminders", "nudges", "logouts", "webhooks")) {
            Long n = failing.get(outbox);
            if (n != null) {
                items.add(Map.of("outbox", outbox, "count", String.valueOf(n)));
            }
        }
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
                                                        Optional<Incident> reported, Map<String, Long> failing, long now) {
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
            m.put("title", i.title());
            m.put("since", WHEN.format(Instant.ofEpochMilli(i.createdAt())));
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
        attrs.put("when", WHEN.format(Instant.ofEpochMilli(now)));
        attrs.put("openIncidents", String.valueOf(open.size()));
        attrs.put("incidents", incidents);
        attrs.put("reports", count(reported.map(i -> flaggedSince(alerts, i, dayAgo)).orElse(0L)));
        attrs.put("deliveries", outboxItems(failing));
        attrs.put("gaps", gapItems(store.gaps().list(realm.getId(), PATHS).stream().filter(g -> g.lastSeenAt() >= dayAgo).toList()));
        return attrs;
    }

    private static String count(long n) {
        return String.valueOf(n);
    }

    private static String displayName(RealmModel realm) {
        String d = realm.getDisplayName();
        return d == null || d.isBlank() ? realm.getName() : d;
    }

    /**
     * Sends one claimed email in a transaction of its own, with the realm bound; on failure, gives the claim back (in
     * another transaction) and logs the kind and realm, never the address or the message. Returns whether it went out.
     */
    static boolean send(KeycloakSessionFactory factory, Outgoing o) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                RealmModel realm = s.realms().getRealm(o.realmId());
                if (realm == null) {
                    throw new IllegalStateException("the realm was removed");
                }
                s.getContext().setRealm(realm);
                try {
                    s.getProvider(EmailTemplateProvider.class).setRealm(realm)
                            .setUser(Mail.addressee(s, realm, KeycloakModelUtils.generateId(), "security-contact", o.contact(), null))
                            .send(o.subject(), o.subjectArgs(), o.template(), o.attributes());
                } catch (EmailException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("breach-response: could not send the %s alert of realm id %s (tried again at the next run): %s", o.kind().key, o.realmId(),
                    e.getMessage());
            try {
                KeycloakModelUtils.runJobInTransaction(factory, s -> s.getProvider(IncidentStore.class).alerts()
                        .release(o.realmId(), o.kind().key, o.claimedAt(), o.previous()));
            } catch (RuntimeException again) {
                LOG.warnf("breach-response: could not give back the %s alert claim of realm id %s: %s", o.kind().key, o.realmId(), again.getMessage());
            }
            return false;
        }
    }
}
