package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  private static Instant at(String text) {
    return Instant.parse(text);
  }

  /** The occurrences after {@code from}, each found from the previous one, as the schedule ticker will walk them. */
  private static List<Instant> walk(CronSchedule schedule, Instant from, int count) {
    List<Instant> out = new ArrayList<>();
    Instant t = from;
    for (int i = 0; i < count; i++) {
      t = schedule.nextAfter(t);
      out.add(t);
    }
    return out;
  }

  @Test
  void everyFiveMinutesFiresOnTheFiveMinuteMarks() {
    CronSchedule schedule = CronSchedule.parse("*/5 * * * *", "UTC");
    assertEquals(at("2026-01-01T00:05:00Z"), schedule.nextAfter(at("2026-01-01T00:00:00Z")));
    assertEquals(at("2026-01-01T00:05:00Z"), schedule.nextAfter(at("2026-01-01T00:04:59.999Z")));
    assertEquals(at("2026-01-01T00:10:00Z"), schedule.nextAfter(at("2026-01-01T00:05:00Z")), "strictly after");
    assertEquals(List.of(at("2026-01-01T00:05:00Z"), at("2026-01-01T00:10:00Z"), at("2026-01-01T00:15:00Z")),
        walk(schedule, at("2026-01-01T00:01:00Z"), 3));
  }

  @Test
  void everyFiveMinutesStaysEveryFiveMinutesAcrossBothSwitchesInPrague() {
    CronSchedule schedule = CronSchedule.parse("*/5 * * * *", "Europe/Prague");
    for (Instant start : List.of(at("2026-03-29T00:30:00Z"), at("2026-10-24T23:30:00Z"))) {
      List<Instant> times = walk(schedule, start, 36);
      for (int i = 0; i < times.size(); i++) {
        assertEquals(start.plus(Duration.ofMinutes(5L * (i + 1))), times.get(i), "occurrence " + i + " after " + start);
      }
    }
  }

  @Test
  void dailyAtHalfPastTwoInPragueSkipsTheMissingSpringTime() {
    CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Prague");
    // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST, so 02:30 does not exist that day: no run.
    assertEquals(List.of(at("2026-03-28T01:30:00Z"), at("2026-03-30T00:30:00Z"), at("2026-03-31T00:30:00Z")),
        walk(schedule, at("2026-03-27T12:00:00Z"), 3));
    assertEquals(at("2026-03-30T00:30:00Z"), schedule.nextAfter(at("2026-03-29T01:00:00Z")));
    assertEquals(Optional.of(at("2026-03-28T01:30:00Z")), schedule.latestAtOrBefore(at("2026-03-29T23:00:00Z")));
  }

  @Test
  void dailyAtHalfPastTwoInPragueRunsOnceOnTheRepeatedAutumnTime() {
    CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Prague");
    // 25 October 2026: 03:00 CEST goes back to 02:00 CET, so 02:30 happens at 00:30Z and again at 01:30Z.
    // cron-utils' forward search runs the first only (as Vixie cron does); this class keeps to that.
    assertEquals(List.of(at("2026-10-24T00:30:00Z"), at("2026-10-25T00:30:00Z"), at("2026-10-26T01:30:00Z")),
        walk(schedule, at("2026-10-23T12:00:00Z"), 3));
    // From inside the repeated hour, the library alone would answer the second 02:30 (01:30Z); not here.
    assertEquals(at("2026-10-26T01:30:00Z"), schedule.nextAfter(at("2026-10-25T00:45:00Z")));
    assertEquals(at("2026-10-26T01:30:00Z"), schedule.nextAfter(at("2026-10-25T01:00:00Z")));
    // And the latest occurrence agrees: the library's backward search would answer 01:30Z.
    assertEquals(Optional.of(at("2026-10-25T00:30:00Z")), schedule.latestAtOrBefore(at("2026-10-25T01:45:00Z")));
    assertEquals(Optional.of(at("2026-10-25T00:30:00Z")), schedule.latestAtOrBefore(at("2026-10-26T01:00:00Z")));
    assertEquals(Optional.of(at("2026-10-26T01:30:00Z")), schedule.latestAtOrBefore(at("2026-10-26T02:00:00Z")));
  }

  @Test
  void hourlyRunsInBothPassesOfTheRepeatedHour() {
    CronSchedule schedule = CronSchedule.parse("30 * * * *", "Europe/Prague");
    assertEquals(List.of(at("2026-10-25T00:30:00Z"), at("2026-10-25T01:30:00Z"), at("2026-10-25T02:30:00Z")),
        walk(schedule, at("2026-10-25T00:00:00Z"), 3));
  }

  @Test
  void latestAtOrBeforeAfterALongGapIsOnlyTheMostRecentOccurrence() {
    CronSchedule schedule = CronSchedule.parse("*/5 * * * *", "UTC");
    // Down from 1 January to 15 March: only the most recent missed occurrence is started.
    assertEquals(Optional.of(at("2026-03-15T10:05:00Z")), schedule.latestAtOrBefore(at("2026-03-15T10:07:13.5Z")));
    CronSchedule monthly = CronSchedule.parse("0 9 1 * *", "Europe/Prague");
    assertEquals(Optional.of(at("2026-03-01T08:00:00Z")), monthly.latestAtOrBefore(at("2026-03-15T00:00:00Z")));
  }

  @Test
  void latestAtOrBeforeIncludesAnOccurrenceExactlyAtTheInstant() {
    CronSchedule schedule = CronSchedule.parse("*/5 * * * *", "UTC");
    assertEquals(Optional.of(at("2026-01-01T00:05:00Z")), schedule.latestAtOrBefore(at("2026-01-01T00:05:00Z")));
    assertEquals(Optional.of(at("2026-01-01T00:00:00Z")), schedule.latestAtOrBefore(at("2026-01-01T00:04:59.999Z")));
  }

  @Test
  void latestAtOrBeforeAndNextAfterMeetWithoutAGap() {
    CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Prague");
    Instant t = at("2026-10-20T00:00:00Z");
    for (int i = 0; i < 24 * 14; i++, t = t.plus(Duration.ofMinutes(61))) {
      Instant latest = schedule.latestAtOrBefore(t).orElseThrow();
      assertFalse(latest.isAfter(t));
      assertEquals(schedule.nextAfter(t), schedule.nextAfter(latest), "nothing fires between " + latest + " and " + t);
    }
  }

  @Test
  void leapDayAndDayOfWeekExpressionsFire() {
    assertEquals(at("2028-02-29T00:00:00Z"), CronSchedule.parse("0 0 29 2 *", "UTC").nextAfter(at("2026-03-02T00:00:00Z")));
    assertEquals(at("2026-03-03T00:00:00Z"), CronSchedule.parse("0 0 * * MON-FRI", "UTC").nextAfter(at("2026-03-02T00:00:00Z")));
  }

  @Test
  void badExpressionsAreRefusedWithOurOwnMessage() {
    for (String cron : List.of("", "   ", "* * * *", "* * * * * *", "61 * * * *", "*/0 * * * *", "59-1 * * * *", "a b c d e",
        "@daily", "0 0 L * *", "0 0 ? * *", "\u0665 * * * *", "0\t0 * * *", "99999999999 * * * *", "0 0 30 2 *", "x".repeat(300))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(cron, "UTC"), cron);
      assertTrue(e.getMessage().startsWith("cron "), cron + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("Failed to parse") || e.getMessage().contains("Invalid"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(null, "UTC"));
  }

  @Test
  void onlyIanaZoneIdsAreZones() {
    assertTrue(CronSchedule.isZone("Europe/Prague"));
    assertTrue(CronSchedule.isZone("UTC"));
    for (String zone : List.of("", "europe/prague", "Mars/Olympus", "+01:00", "UTC+1", "GMT+01:00", "Z")) {
      assertFalse(CronSchedule.isZone(zone), zone);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("* * * * *", zone));
      assertTrue(e.getMessage().startsWith("timezone "), e.getMessage());
    }
    assertFalse(CronSchedule.isZone(null));
  }
}
