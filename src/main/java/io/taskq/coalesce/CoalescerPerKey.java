package io.taskq.coalesce;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

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

  /**
   * The waiting batch of the first coalescer whose key matches that has one ({@link Coalescer#lend}),
   * with its key; empty when none waits. Walks every key: for owners with few keys at a time.
   */
  public Optional<Lent<K, I, O>> lend(Predicate<K> which) {
    for (Map.Entry<K, Coalescer<I, O>> entry : byKey.entrySet()) {
      if (which.test(entry.getKey())) {
        Optional<Coalescer.Loan<I, O>> loan = entry.getValue().lend();
        if (loan.isPresent()) {
          return Optional.of(new Lent<>(entry.getKey(), loan.get()));
        }
      }
    }
    return Optional.empty();
  }

  /** The waiting batch of the coalescer of {@code key} ({@link Coalescer#lend}); empty when none waits. */
  public Optional<Coalescer.Loan<I, O>> lend(K key) {
    Coalescer<I, O> coalescer = byKey.get(key);
    return coalescer == null ? Optional.empty() : coalescer.lend();
  }

  /** A batch lent by the coalescer of {@code key}. */
  public record Lent<K, I, O>(K key, Coalescer.Loan<I, O> loan) {
  }
}
