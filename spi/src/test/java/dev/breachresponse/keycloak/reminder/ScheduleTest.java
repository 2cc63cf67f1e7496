package dev.breachresponse.keycloak.reminder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.breachresponse.keycloak.incident.Policy;

class ScheduleTest {

    static final long T0 = 1_800_000_000_000L;
    static final long DAY = Schedule.DAY;

    static Policy policy(List<Integer> days, boolean reminders, int deadline, Policy.OnDeadline on) {
        return new Policy(true, false, true, List.of("otp"), new Policy.Grace(0, 0), new Policy.Reminders(reminders, days), deadline, on);
    }

    static final Policy.OnDeadline ACTIONS = new Policy.OnDeadline(true, true, false);
    static final Policy.OnDeadline NOTHING = new Policy.OnDeadline(false, false, false);

    @Test
    void theFirstStepIsDueAtOnceAndTheNextIsScheduled() {
        Schedule.Plan p = Schedule.plan(T0, policy(List.of(0, 3, 7, 14), true, 14, ACTIONS), false, T0);
        assertEquals(0, p.reminderStep());
        assertFalse(p.escalate());
        assertEquals(T0 + 3 * DAY, p.nextDueAt());
    }

    @Test
    void aServerThatWasDownSendsOnlyTheLatestStep() {
        Schedule.Plan p = Schedule.plan(T0, policy(List.of(0, 3, 7, 14), true, 30, ACTIONS), false, T0 + 8 * DAY);
        assertEquals(2, p.reminderStep(), "day 7, not days 0 and 3 as well");
        assertEquals(T0 + 14 * DAY, p.nextDueAt());
    }

    @Test
    void theDeadlineEscalatesOnceAndThenNothingIsLeft() {
        Policy p = policy(List.of(0, 3), true, 5, ACTIONS);
        Schedule.Plan at = Schedule.plan(T0, p, false, T0 + 5 * DAY);
        assertTrue(at.escalate());
        assertEquals(1, at.reminderStep());
        assertNull(at.nextDueAt());
        assertFalse(Schedule.plan(T0, p, true, T0 + 6 * DAY).escalate(), "already escalated");
        assertEquals(T0 + 5 * DAY, Schedule.plan(T0, p, false, T0 + 4 * DAY).nextDueAt(), "the deadline is the next look");
    }

    @Test
    void nothingIsPlannedWhenRemindersAndEscalationAreOff() {
        Schedule.Plan p = Schedule.plan(T0, policy(List.of(0, 3), false, 14, NOTHING), false, T0 + 20 * DAY);
        assertNull(p.reminderStep());
        assertFalse(p.escalate());
        assertNull(p.nextDueAt());
        assertFalse(Schedule.escalates(policy(List.of(0), true, 0, ACTIONS)), "deadline 0 means none");
    }
}
