package io.taskq.api;

import io.taskq.error.BadRequest;
import io.taskq.workflow.RunService;
import java.util.regex.Pattern;

/** The listing filters of issue 13 (run, creation time, priority), read from the query with a 400 naming each bad one. */
final class ListingFilters {

  /** An optional sign and at most 10 ASCII digits; the range is checked after parsing. */
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,9})");

  private ListingFilters() {
  }

  /** A run's run_id as the run routes spell it; one spelled otherwise cannot exist, so it is a bad parameter. */
  static String runId(QueryParameters query) {
    String raw = query.get("run_id");
    if (raw != null && !RunService.RUN_ID.matcher(raw).matches()) {
      throw new BadRequest("query parameter run_id must be a run id (1 to 150 letters, digits and _ . @ -, starting with a letter or digit)");
    }
    return raw;
  }

  static Integer priorityMin(QueryParameters query) {
    String raw = query.get("priority_min");
    if (raw == null) {
      return null;
    }
    long value = INTEGER.matcher(raw).matches() ? Long.parseLong(raw) : Long.MIN_VALUE;
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new BadRequest("query parameter priority_min must be a whole number from " + Integer.MIN_VALUE + " to "
          + Integer.MAX_VALUE + ", in plain decimal digits");
    }
    return (int) value;
  }
}
