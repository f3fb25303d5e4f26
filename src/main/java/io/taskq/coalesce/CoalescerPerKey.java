package io.taskq.coalesce;

import io.vertx.core.Future;
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
    Coalescer<I, O> coalescer = byKey.computeIfAbsent(key, make);
    return coalescer.submit(item).onComplete(ar -> {
      if (coalescer.idle()) {
        byKey.remove(key, coalescer);
      }
    });
  }
}
