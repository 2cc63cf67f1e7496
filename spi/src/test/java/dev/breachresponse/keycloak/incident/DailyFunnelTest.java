package dev.breachresponse.keycloak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

class DailyFunnelTest {

    private static final long DAY = DailyFunnel.DAY_MILLIS;

    /** 2026-11-03T22:15:00Z: late in the day, so that "the creation day" and "24 hours later" differ. */
    private static final long CREATED = Instant.parse("2026-11-03T22:15:00Z").toEpochMilli();

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void originIsUtcMidnightOfTheCreationDay() {
        assertEquals(at("2026-11-03T00:00:00Z"), DailyFunnel.originOf(CREATED));
        assertEquals(at("2026-11-03T00:00:00Z"), DailyFunnel.originOf(at("2026-11-03T00:00:00Z")));
        assertEquals(at("2026-11-03T00:00:00Z"), DailyFunnel.originOf(at("2026-11-03T23:59:59.999Z")));
    }

    @Test
    void everyDayFromTheCreationDayToTodayIsPresentWithZerosWhereNothingHappened() {
        DailyFunnel f = DailyFunnel.of(CREATED, at("2026-11-07T01:00:00Z"), List.of(
                new DailyFunnel.Transitions(0, FlagState.FLAGGED, 5),
                new DailyFunnel.Transitions(2, FlagState.STEPPED_UP, 2),
                new DailyFunnel.Transitions(2, FlagState.FLAGGED, 1),
                new DailyFunnel.Transitions(4, FlagState.REMEDIATED, 1),
                new DailyFunnel.Transitions(4, FlagState.DISMISSED, 3)));
        assertEquals(LocalDate.parse("2026-11-03"), f.from());
        assertEquals(List.of(
                new DailyFunnel.Day(LocalDate.parse("2026-11-03"), 5, 0, 0, 0),
                new DailyFunnel.Day(LocalDate.parse("2026-11-04"), 0, 0, 0, 0),
                new DailyFunnel.Day(LocalDate.parse("2026-11-05"), 1, 2, 0, 0),
                new DailyFunnel.Day(LocalDate.parse("2026-11-06"), 0, 0, 0, 0),
                new DailyFunnel.Day(LocalDate.parse("2026-11-07"), 0, 0, 1, 3)), f.days());
        assertEquals(List.of(
                new DailyFunnel.Day(LocalDate.parse("2026-11-03"), 5, 0, 0, 0),
                new DailyFunnel.Day(LocalDate.parse("2026-11-04"), 5, 0, 0, 0),
                new DailyFunnel.Day(LocalDate.parse("2026-11-05"), 6, 2, 0, 0),
                new DailyFunnel.Day(LocalDate.parse("2026-11-06"), 6, 2, 0, 0),
                new DailyFunnel.Day(LocalDate.parse("2026-11-07"), 6, 2, 1, 3)), f.cumulative());
    }

    @Test
    void anIncidentCreatedTodayHasOneDay() {
        DailyFunnel f = DailyFunnel.of(CREATED, CREATED + 60_000, List.of());
        assertEquals(List.of(new DailyFunnel.Day(LocalDate.parse("2026-11-03"), 0, 0, 0, 0)), f.days());
        assertEquals(f.days(), f.cumulative());
    }

    @Test
    void atMostTheNewest400DaysAreShownAndOlderTransitionsStartTheRunningTotals() {
        long now = DailyFunnel.originOf(CREATED) + 500 * DAY + 3_600_000;
        DailyFunnel f = DailyFunnel.of(CREATED, now, List.of(
                new DailyFunnel.Transitions(0, FlagState.FLAGGED, 7),
                new DailyFunnel.Transitions(100, FlagState.DISMISSED, 2),   // the last day before the window
                new DailyFunnel.Transitions(101, FlagState.REMEDIATED, 1),  // the window's first day
                new DailyFunnel.Transitions(500, FlagState.STEPPED_UP, 1))); // today
        LocalDate first = LocalDate.parse("2026-11-03").plusDays(101);
        assertEquals(DailyFunnel.MAX_DAYS, f.days().size());
        assertEquals(LocalDate.parse("2026-11-03"), f.from(), "from stays the creation day");
        assertEquals(first, f.days().get(0).day());
        assertEquals(LocalDate.parse("2026-11-03").plusDays(500), f.days().get(399).day());
        assertEquals(new DailyFunnel.Day(first, 0, 0, 1, 0), f.days().get(0));
        assertEquals(new DailyFunnel.Day(first, 7, 0, 1, 2), f.cumulative().get(0));
        assertEquals(new DailyFunnel.Day(first.plusDays(399), 7, 1, 1, 2), f.cumulative().get(399));
    }

    @Test
    void transitionsOutsideTheDaysCountOnTheNearestDay() {
        DailyFunnel f = DailyFunnel.of(CREATED, CREATED + DAY, List.of(
                new DailyFunnel.Transitions(-1, FlagState.FLAGGED, 1),
                new DailyFunnel.Transitions(9, FlagState.REMEDIATED, 1)));
        assertEquals(2, f.days().size());
        assertEquals(1, f.days().get(0).flagged());
        assertEquals(1, f.days().get(1).remediated());
    }
}
