package io.taskq.api;

import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.queue.ItemOutcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The items of a batch of lease-holder changes ({@code tasks:complete}, {@code tasks:fail}), read
 * one by one: items are independent, so an item that cannot be read is answered {@code invalid}
 * in its own slot, with its own problem, and the others still run. Only a body whose shape is
 * wrong (not the named array, or 0 or too many items, or an unknown top-level field) fails the
 * whole request.
 *
 * @param <T> what a readable item becomes
 */
final class BatchItems<T> {

  /** Reads one item's fields other than {@code id}; faults are recorded in {@code item}. */
  interface Reader<T> {
    T read(Fields item, long id);
  }

  private final String name;
  private final Long[] ids;
  private final List<T> items = new ArrayList<>();
  private final List<List<FieldError>> faults = new ArrayList<>();

  private BatchItems(String name, int size) {
    this.name = name;
    this.ids = new Long[size];
  }

  /**
   * Reads the array {@code name} of 1..{@code max} items. A task id given twice: the first
   * occurrence holds it, the later ones are invalid (one statement cannot change a task twice).
   */
  static <T> BatchItems<T> read(Fields body, String name, int max, Reader<T> reader) {
    JsonArray array = body.array(name, true);
    body.rejectUnknown();
    body.throwIfInvalid();
    if (array.isEmpty() || array.size() > max) {
      body.fault(name, name + " must list 1 to " + max + " items");
      body.throwIfInvalid();
    }
    BatchItems<T> batch = new BatchItems<>(name, array.size());
    Map<Long, Integer> firstOf = new HashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String pointer = "/" + name + "/" + i;
      List<FieldError> errors = new ArrayList<>();
      T item = null;
      if (array.getValue(i) instanceof JsonObject object) {
        Fields fields = new Fields(object, pointer, i, errors);
        Long id = fields.id("id");
        item = reader.read(fields, id == null ? 0 : id);
        fields.rejectUnknown();
        batch.ids[i] = id;
        Integer first = id == null ? null : firstOf.putIfAbsent(id, i);
        if (first != null) {
          errors.add(FieldError.atItem(i, pointer + "/id",
              "task " + id + " appears earlier in this request (item " + first + "); only the first is processed"));
        }
      } else {
        errors.add(FieldError.atItem(i, pointer, "each item must be a JSON object"));
      }
      batch.items.add(errors.isEmpty() ? item : null);
      batch.faults.add(errors);
    }
    return batch;
  }

  /** The readable items, in request order: what runs. */
  List<T> runnable() {
    List<T> runnable = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (faults.get(i).isEmpty()) {
        runnable.add(items.get(i));
      }
    }
    return runnable;
  }

  /** The answer: one result per item of the request, in order, {@code outcomes} those of {@link #runnable()}. */
  JsonObject results(List<ItemOutcome> outcomes) {
    JsonArray results = new JsonArray();
    int next = 0;
    for (int i = 0; i < items.size(); i++) {
      JsonObject result = new JsonObject().put("index", i).put("id", ids[i]);
      if (!faults.get(i).isEmpty()) {
        List<FieldError> errors = faults.get(i);
        String detail = errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid";
        results.add(result.put("outcome", "invalid").putNull("status")
            .put("problem", Problems.document(new Invalid(detail, errors))));
        continue;
      }
      ItemOutcome outcome = outcomes.get(next++);
      result.put("outcome", outcome.kind().wireName())
          .put("status", outcome.task().map(t -> t.status().wireName()).orElse(null));
      switch (outcome.kind()) {
        case LEASE_CONFLICT, NOT_FOUND -> result.put("problem", Problems.document(outcome.problem(outcome.taskId())));
        case INVALID -> result.put("problem", Problems.document(placed(outcome.refusal().orElseThrow(), i)));
        case COMPLETED, FAILED -> {
        }
      }
      results.add(result);
    }
    return new JsonObject().put("results", results);
  }

  /** A refusal whose pointers are relative to its item, placed in the request body. */
  private Invalid placed(Invalid refusal, int index) {
    String base = "/" + name + "/" + index;
    List<FieldError> errors = new ArrayList<>();
    for (FieldError e : refusal.errors()) {
      errors.add(FieldError.atItem(index, base + (e.pointer() == null ? "" : e.pointer()), e.message()));
    }
    if (errors.isEmpty()) {
      errors.add(FieldError.atItem(index, base, refusal.detail()));
    }
    return new Invalid(refusal.detail(), errors);
  }
}
