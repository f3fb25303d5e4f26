package io.taskq.queue;

/** Why a bulk item was not created. */
public enum SkipReason {
  DUPLICATE_EXTERNAL_ID, DUPLICATE_TITLE, DUPLICATE_TITLE_AND_MILESTONE, DUPLICATE_DEDUPE_KEY;

  public String wireName() {
    return name().toLowerCase();
  }
}
