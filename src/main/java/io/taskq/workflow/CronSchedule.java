package io.taskq.workflow;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A UNIX cron expression (5 fields: minute, hour, day of month, month, day of week) in an IANA
 * time zone: when a workflow's scheduled runs are due.
 *
 * <p>Parsing and the calendar arithmetic are cron-utils' (com.cronutils:cron-utils): maintained,
 * Apache-2.0, with UNIX, Quartz and Spring dialects, and time-zone aware (it computes in the
 * zone's wall-clock time, which hand-written cron code gets wrong around DST). This class keeps
 * the library behind three methods, answers bad input with our own messages (never the
 * library's), and holds the library to one promise it does not make itself: each occurrence is
 * later than the one before.
 *
 * <p>Daylight saving time, as cron-utils 9.2.1 does it (tested in CronScheduleTest, Europe/Prague
 * 2026): a wall-clock time that does not exist is skipped (02:30 on 29 March, spring forward:
 * no run that day); a wall-clock time that happens twice runs once, at its first (summer-time)
 * instant (02:30 on 25 October: 00:30Z only), as Vixie cron does; expressions with a wildcard
 * hour run in both passes of the repeated hour (every 5 minutes stays every 5 minutes in
 * UTC). The library's backward search does see the repeated 02:30 twice, so
 * {@link #latestAtOrBefore} is computed through the forward sequence: both methods agree on
 * which instants are occurrences.
 */
public final class CronSchedule {

  /** UNIX cron uses only these characters; the library would read other scripts' digits as numbers. */
  private static final Pattern CRON_TEXT = Pattern.compile("[A-Za-z0-9*,/ -]+");
  private static final int MAX_CRON_LENGTH = 200;
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  /** Region ids only: offsets such as "+01:00" or "UTC+1" are not IANA zones. Copied once: the JDK copies on each call. */
  private static final Set<String> ZONE_IDS = Set.copyOf(ZoneId.getAvailableZoneIds());
  /** A step that does not move forward is retried from a little later, at most this often. */
  private static final int MAX_RETRIES = 8;
  /** How many occurrences a search may walk through before giving up on a broken library answer. */
  private static final int MAX_WALK = 64;

  private final String cron;
  private final ZoneId zone;
  private final ExecutionTime times;

  private CronSchedule(String cron, ZoneId zone, ExecutionTime times) {
    this.cron = cron;
    this.zone = zone;
    this.times = times;
  }

  /**
   * Parses {@code cron} in {@code timezone} (an IANA zone id such as {@code Europe/Prague} or
   * {@code UTC}).
   *
   * @throws IllegalArgumentException with a message for a person, naming {@code cron} or
   *     {@code timezone}, for an expression that is not UNIX cron or never fires, or an unknown zone
   */
  public static CronSchedule parse(String cron, String timezone) {
    ZoneId zone = zone(timezone);
    if (cron == null || cron.isBlank() || cron.length() > MAX_CRON_LENGTH || !CRON_TEXT.matcher(cron).matches()) {
      throw new IllegalArgumentException(notCron());
    }
    String[] fields = cron.trim().split(" +");
    if (fields.length != 5) {
      throw new IllegalArgumentException("cron must have 5 fields (minute hour day-of-month month day-of-week); this one has "
          + fields.length);
    }
    ExecutionTime times;
    try {
      times = ExecutionTime.forCron(PARSER.parse(cron.trim()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(notCron());
    }
    CronSchedule schedule = new CronSchedule(cron, zone, times);
    // An expression such as "0 0 30 2 *" (30 February) parses but never fires.
    if (schedule.step(Instant.parse("2000-01-01T00:00:00Z")).isEmpty()) {
      throw new IllegalArgumentException("cron never fires: no date matches " + cron);
    }
    return schedule;
  }

  /** Whether {@code timezone} is an IANA zone id this server knows. */
  public static boolean isZone(String timezone) {
    return timezone != null && ZONE_IDS.contains(timezone);
  }

  private static ZoneId zone(String timezone) {
    if (!isZone(timezone)) {
      throw new IllegalArgumentException("timezone must be an IANA time zone id such as Europe/Prague or UTC");
    }
    return ZoneId.of(timezone);
  }

  private static String notCron() {
    return "cron must be a UNIX cron expression of 5 fields (minute hour day-of-month month day-of-week) with numbers, names,"
        + " '*', ',', '-' and '/', such as \"*/5 * * * *\"";
  }

  public String cron() {
    return cron;
  }

  public ZoneId zone() {
    return zone;
  }

  /**
   * The first occurrence strictly after {@code t}.
   *
   * @throws IllegalStateException when there is none (the library found no later date)
   */
  public Instant nextAfter(Instant t) {
    Optional<Instant> anchor = anchorBefore(t);
    if (anchor.isEmpty()) {
      return step(t).orElseThrow(() -> noneAfter(t));
    }
    Instant current = anchor.get();
    for (int i = 0; i < MAX_WALK; i++) {
      Instant next = step(current).orElseThrow(() -> noneAfter(t));
      if (next.isAfter(t)) {
        return next;
      }
      current = next;
    }
    throw noneAfter(t);
  }

  /**
   * The most recent occurrence at or before {@code t}: after downtime, the one missed run to
   * start. Empty when nothing fired before {@code t}.
   */
  public Optional<Instant> latestAtOrBefore(Instant t) {
    Optional<Instant> anchor = anchorBefore(t);
    if (anchor.isEmpty()) {
      return step(t.minusNanos(1)).filter(first -> !first.isAfter(t));
    }
    Instant current = anchor.get();
    for (int i = 0; i < MAX_WALK; i++) {
      Optional<Instant> next = step(current);
      if (next.isEmpty() || next.get().isAfter(t)) {
        return Optional.of(current);
      }
      current = next.get();
    }
    throw new IllegalStateException("no occurrence of " + cron + " in " + zone + " could be settled before " + t);
  }

  /**
   * An occurrence before {@code t} from which to walk forward: the library's second previous
   * one, because its first may be the repeated wall-clock time that its forward search (the
   * sequence this class answers) skips.
   */
  private Optional<Instant> anchorBefore(Instant t) {
    Optional<Instant> previous = previous(t);
    if (previous.isEmpty()) {
      return Optional.empty();
    }
    return previous(previous.get()).or(() -> previous);
  }

  private Optional<Instant> previous(Instant t) {
    return times.lastExecution(t.atZone(zone)).map(ZonedDateTime::toInstant).filter(p -> p.isBefore(t));
  }

  /** The library's next occurrence after {@code t}, insisting that it is later than {@code t}. */
  private Optional<Instant> step(Instant t) {
    Instant from = t;
    for (int i = 0; i < MAX_RETRIES; i++) {
      Optional<Instant> next = times.nextExecution(from.atZone(zone)).map(ZonedDateTime::toInstant);
      if (next.isEmpty()) {
        return next;
      }
      if (next.get().isAfter(t)) {
        return next;
      }
      // Not later: a library fault around a DST switch. Ask again from a minute on (cron's resolution).
      from = (next.get().isAfter(from) ? next.get() : from).plus(Duration.ofMinutes(1));
    }
    return Optional.empty();
  }

  private IllegalStateException noneAfter(Instant t) {
    return new IllegalStateException("no occurrence of " + cron + " in " + zone + " after " + t);
  }

  @Override
  public String toString() {
    return cron + " (" + zone + ")";
  }
}
