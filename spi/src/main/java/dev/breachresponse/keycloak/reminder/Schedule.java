package dev.breachresponse.keycloak.reminder;

import java.util.List;

import dev.breachresponse.keycloak.incident.Policy;

/**
 * When a flag's reminders and escalation fall due: pure logic, unit-tested. Steps are
 * {@code flaggedAt + afterDays[i]}; only the latest step due is sent (a server that was down does not send a
 * backlog: one email per user per period); the escalation falls due at {@code flaggedAt + deadlineDays}.
 */
final class Schedule {

    static final long DAY = 24L * 60 * 60 * 1000;

    /**
     * @param reminderStep the step to send now (index into afterDays), or null
     * @param escalate     the deadline passed and the flag was not escalated yet
     * @param nextDueAt    when the planner should look again, or null when nothing is left
     */
    record Plan(Integer reminderStep, boolean escalate, Long nextDueAt) {
    }

    private Schedule() {
    }

    static boolean escalates(Policy p) {
        Policy.OnDeadline d = p.onDeadline();
        return p.deadlineDays() > 0 && (d.requiredActions() || d.revokeSessions() || d.disableAccount());
    }

    static Plan plan(long flaggedAt, Policy p, boolean escalated, long now) {
        Integer step = null;
        Long next = null;
        if (p.reminders().enabled()) {
            List<Integer> days = p.reminders().afterDays();
            for (int i = 0; i < days.size(); i++) {
                long at = flaggedAt + days.get(i) * DAY;
                if (at <= now) {
                    step = i;
                } else {
                    next = at;
                    break;
                }
            }
        }
        boolean escalate = false;
        if (escalates(p) && !escalated) {
            long deadline = flaggedAt + p.deadlineDays() * DAY;
            if (deadline <= now) {
                escalate = true;
            } else {
                next = next == null ? deadline : Math.min(next, deadline);
            }
        }
        return new Plan(step, escalate, next);
    }
}
