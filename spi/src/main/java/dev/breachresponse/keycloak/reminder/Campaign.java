package dev.breachresponse.keycloak.reminder;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.Reminder;
import dev.breachresponse.keycloak.incident.ReminderStore;
import dev.breachresponse.keycloak.revocation.SessionRevoker;

/**
 * The planner: one bounded pass over flags whose planner time has come, in pages read from the start of the due
 * range of the (NEXT_DUE_AT, ID) index (work proportional to due flags, never to users). For each it writes the
 * outbox row of the step due now (PENDING, sent later by {@link Sender}), applies the escalation when the deadline
 * passed, and sets when to look again.
 */
final class Campaign {

    record Planned(int looked, int remindersQueued, int deferred, int escalated) {
    }

    private Campaign() {
    }

    /** @param realmId only this realm's flags (the admin "run now"), or null for all realms (the scheduler) */
    static Planned plan(KeycloakSession session, String realmId, long now, ReminderSettings settings, Audit audit) {
        ReminderStore outbox = session.getProvider(IncidentStore.class).reminders();
        // a page's outbox inserts and flag updates go out as JDBC batches at each flush
        outbox.writeInBatches(100);
        int looked = 0;
        int queued = 0;
        int deferred = 0;
        int escalated = 0;
        Map<String, RealmSettings> settingsByRealm = new HashMap<>();
        Set<String> seen = new HashSet<>();
        while (looked < settings.batchSize()) {
            // every flag looked at is rescheduled past now, so a page holds only new flags; should one come back
            // (not rescheduled), it is skipped, and a page of nothing new ends the tick
            List<ReminderStore.Due> page = outbox.dueFlags(realmId, now, Math.min(100, settings.batchSize() - looked)).stream()
                    .filter(d -> seen.add(d.flag().id())).toList();
            if (page.isEmpty()) {
                break;
            }
            // one query each for the page: steps already written, users reminded within the gap
            Set<String> existing = outbox.existingSteps(page.stream().map(d -> d.flag().id()).toList());
            long gapStart = now - settings.minGapHours() * 3_600_000L;
            Map<String, Set<String>> remindedByRealm = new HashMap<>();
            for (ReminderStore.Due due : page) {
                looked++;
                RealmModel realm = session.realms().getRealm(due.flag().realmId());
                if (realm == null) {
                    // the realm is being removed (its flags go with it)
                    outbox.scheduleNext(due.flag().id(), null);
                    continue;
                }
                RealmSettings rs = settingsByRealm.computeIfAbsent(realm.getId(), id -> Enforcement.settings(session, realm));
                if (!due.incident().open()) {
                    // a closed incident takes no new reminders (and closing is final)
                    outbox.scheduleNext(due.flag().id(), null);
                    continue;
                }
                if (!rs.remindersEnabled()) {
                    // the realm switched the campaign off: look again in an hour, in case it is switched back on
                    outbox.scheduleNext(due.flag().id(), now + 3_600_000L);
                    continue;
                }
                Schedule.Plan plan = Schedule.plan(due.flag().flaggedAt(), due.incident().policy(), due.flag().escalatedAt() != null, now);
                Long next = plan.nextDueAt();
                if (plan.reminderStep() != null && !existing.contains(due.flag().id() + ":" + plan.reminderStep())) {
                    Set<String> reminded = remindedByRealm.computeIfAbsent(realm.getId(), id -> settings.minGapHours() == 0
                            ? new HashSet<>()
                            : new HashSet<>(outbox.remindedSince(id,
                                    page.stream().filter(d -> d.flag().realmId().equals(id)).map(d -> d.flag().userId()).toList(), gapStart)));
                    if (settings.minGapHours() > 0 && reminded.contains(due.flag().userId())) {
                        // at most one email per user per period: another reminder went out recently (or in this
                        // tick); look again in an hour (a later step may supersede this one)
                        long retry = now + 3_600_000L;
                        next = next == null ? retry : Math.min(next, retry);
                        deferred++;
                    } else {
                        outbox.create(due.flag(), due.incident().rowId(), plan.reminderStep(),
                                Reminder.Kind.REMINDER, OutboxState.PENDING, now, "step " + (plan.reminderStep() + 1));
                        reminded.add(due.flag().userId());
                        queued++;
                    }
                }
                if (plan.escalate() && !existing.contains(due.flag().id() + ":" + Reminder.ESCALATION)) {
                    String enrol = Factor.byKey(rs.enrolmentFactor()).orElse(Factor.OTP).enrolAction;
                    outbox.create(due.flag(), due.incident().rowId(), Reminder.ESCALATION, Reminder.Kind.ESCALATION,
                            OutboxState.SENT, now, null);
                    List<String> actions = new Flagging(session, realm, SessionRevoker.byId(session, realm))
                            .escalate(due.flag(), due.incident().policy(), enrol);
                    audit.escalated(realm, due.incident().key(), due.flag().userId(), actions);
                    escalated++;
                }
                outbox.scheduleNext(due.flag().id(), next);
            }
        }
        return new Planned(looked, queued, deferred, escalated);
    }
}
