package io.taskq.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Items of one bulk request that repeat an earlier item: the first one wins, later ones are
 * skipped with the reason the strategy gives.
 *
 * @param firsts indexes of the items that are not repeats, in request order
 * @param firstOf for each repeat, the index of the item it repeats
 * @param reasonOf for each repeat, why
 */
public record InRequestDuplicates(List<Integer> firsts, Map<Integer, Integer> firstOf, Map<Integer, SkipReason> reasonOf) {

  public static InRequestDuplicates find(List<NewTask> tasks, DuplicateStrategy strategy) {
    Map<String, Integer> byExternalId = new HashMap<>();
    Map<String, Integer> byDedupeKey = new HashMap<>();
    Map<String, Integer> byTitle = new HashMap<>();
    List<Integer> firsts = new ArrayList<>();
    Map<Integer, Integer> firstOf = new HashMap<>();
    Map<Integer, SkipReason> reasonOf = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      NewTask t = tasks.get(i);
      String titleKey = titleKey(t, strategy);
      Integer first;
      SkipReason reason;
      if (t.externalId() != null && byExternalId.containsKey(t.externalId())) {
        first = byExternalId.get(t.externalId());
        reason = SkipReason.DUPLICATE_EXTERNAL_ID;
      } else if (t.dedupeKey() != null && byDedupeKey.containsKey(t.dedupeKey())) {
        first = byDedupeKey.get(t.dedupeKey());
        reason = SkipReason.DUPLICATE_DEDUPE_KEY;
      } else if (titleKey != null && byTitle.containsKey(titleKey)) {
        first = byTitle.get(titleKey);
        reason = strategy == DuplicateStrategy.TITLE_AND_MILESTONE
            ? SkipReason.DUPLICATE_TITLE_AND_MILESTONE : SkipReason.DUPLICATE_TITLE;
      } else {
        firsts.add(i);
        if (t.externalId() != null) {
          byExternalId.put(t.externalId(), i);
        }
        if (t.dedupeKey() != null) {
          byDedupeKey.put(t.dedupeKey(), i);
        }
        if (titleKey != null) {
          byTitle.put(titleKey, i);
        }
        continue;
      }
      firstOf.put(i, first);
      reasonOf.put(i, reason);
    }
    return new InRequestDuplicates(firsts, firstOf, reasonOf);
  }

  private static String titleKey(NewTask t, DuplicateStrategy strategy) {
    if (t.title() == null) {
      return null;
    }
    String title = t.title().toLowerCase(Locale.ROOT);
    return switch (strategy) {
      case TITLE -> title;
      case TITLE_AND_MILESTONE -> title + "\u0000" + (t.milestoneId() == null ? "\u0001" : t.milestoneId());
      case EXTERNAL_ID, NONE -> null;
    };
  }
}
