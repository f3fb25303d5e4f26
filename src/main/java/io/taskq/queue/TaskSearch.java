package io.taskq.queue;

/**
 * A full-text query over tasks' titles and descriptions, in {@code websearch_to_tsquery} syntax,
 * and where the previous page ended: null on the first page.
 */
public record TaskSearch(String text, Position after) {

  /** The last task of a page, by rank (as PostgreSQL computed it, a real) and id. */
  public record Position(float rank, long id) {
  }
}
