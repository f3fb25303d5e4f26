package io.taskq.coalesce;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One {@link Coalescer} per key (a queue, a project), made on first use and dropped once idle,
 * so that keys never seen again do not pile up. A drop that races a new arrival costs at most a
 * second coalescer for the key for a while (a statement more in flight), never an item: a
 * dropped coalescer still finishes the work it holds.
 */
public final class CoalescerPerKey<K, I, O> {

  private final Map<K, Coalescer<I, O>> byKey = new ConcurrentHashMap<>();
  private final Function<K, Coalescer<I, O>> make;

  public CoalescerPerKey(Function<K, Coalescer<I, O>> make) {
    this.make = make;
  }

  public Future<O> submit(K key, I item) {
    return submitAll(key, List.of(item)).get(0);
  }

  /** A request's items for one key, queued together ({@link Coalescer#submitAll}); one answer per item, in order. */
  public List<Future<O>> submitAll(K key, List<I> items) {
    Coalescer<I, O> coalescer = byKey.computeIfAbsent(key, make);
    List<Future<O>> answers = coalescer.submitAll(items);
    for (Future<O> answer : answers) {
      answer.onComplete(ar -> {
        if (coalescer.idle()) {
          byKey.remove(key, coalescer);
        }
      });
    }
    return answers;
  }
}
