package io.taskq.store.pg;

import io.vertx.sqlclient.Row;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * Where each column of a task sits in a row. Reading a column by name walks the row's column list
 * (27 look-ups of up to 30 names per task); instead the positions are found once per row layout
 * and re-checked on every row by comparing one name per column, so a statement whose columns
 * move (another RETURNING list, a {@code SELECT *} after a migration) still reads the right ones.
 */
final class TaskColumns {

  static final int ID = 0;
  static final int PROJECT_ID = 1;
  static final int TYPE = 2;
  static final int TYPE_VERSION = 3;
  static final int TITLE = 4;
  static final int DESCRIPTION = 5;
  static final int PARAMS = 6;
  static final int PRIORITY = 7;
  static final int STATUS = 8;
  static final int EXTERNAL_ID = 9;
  static final int MILESTONE_ID = 10;
  static final int DEDUPE_KEY = 11;
  static final int RUN_AT = 12;
  static final int ATTEMPTS = 13;
  static final int MAX_ATTEMPTS = 14;
  static final int WORKER_ID = 15;
  static final int LEASE_ID = 16;
  static final int CLAIMED_AT = 17;
  static final int LEASE_EXPIRES_AT = 18;
  static final int COMPLETED_AT = 19;
  static final int RESULT = 20;
  static final int ERROR_MESSAGE = 21;
  static final int CREATED_AT = 22;
  static final int UPDATED_AT = 23;
  static final int UNMET_PREREQUISITES = 24;
  static final int PARENT_ID = 25;
  static final int COMPLETE_WHEN_CHILDREN_DONE = 26;
  static final int EVENT_PAYLOADS = 27;
  static final int METADATA = 28;

  private static final String[] NAMES = {
      "id", "project_id", "type", "type_version", "title", "description", "params", "priority", "status",
      "external_id", "milestone_id", "dedupe_key", "run_at", "attempts", "max_attempts", "worker_id", "lease_id",
      "claimed_at", "lease_expires_at", "completed_at", "result", "error_message", "created_at", "updated_at",
      "unmet_prerequisites", "parent_id", "complete_when_children_done", "event_payloads", "metadata"};
  /** Statements return a handful of layouts; beyond this many, new ones are found per row and not kept. */
  private static final int KEPT_LAYOUTS = 16;

  /** Copied on write: read by every event loop, written a few times after start. */
  private static volatile TaskColumns[] known = new TaskColumns[0];

  private final int[] positions;

  private TaskColumns(int[] positions) {
    this.positions = positions;
  }

  /** The positions of the task's columns in this row, indexed by the constants above. */
  static int[] in(Row row) {
    TaskColumns[] layouts = known;
    for (TaskColumns layout : layouts) {
      if (layout.fits(row)) {
        return layout.positions;
      }
    }
    int[] positions = new int[NAMES.length];
    for (int i = 0; i < NAMES.length; i++) {
      positions[i] = row.getColumnIndex(NAMES[i]);
      if (positions[i] < 0) {
        throw new NoSuchElementException("a task row without its column " + NAMES[i]);
      }
    }
    remember(new TaskColumns(positions));
    return positions;
  }

  private static synchronized void remember(TaskColumns layout) {
    if (known.length < KEPT_LAYOUTS) {
      TaskColumns[] grown = Arrays.copyOf(known, known.length + 1);
      grown[known.length] = layout;
      known = grown;
    }
  }

  private boolean fits(Row row) {
    int size = row.size();
    for (int i = 0; i < NAMES.length; i++) {
      int position = positions[i];
      if (position >= size || !NAMES[i].equals(row.getColumnName(position))) {
        return false;
      }
    }
    return true;
  }
}
