package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.queue.BulkOutcome;
import io.taskq.queue.SkipReason;
import io.taskq.queue.Task;
import io.taskq.queue.TaskStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The task JSON written straight to bytes is byte for byte what the JsonObject path answered. */
class TaskJsonTest {

  /** Characters that JSON writers treat differently: escapes, controls, multi-byte UTF-8, pairs and their halves. */
  private static final String[] PIECES = {"a", "Z", "0", " ", "\"", "\\", "/", "\u0000", "\u0001", "\b", "\t", "\n", "\f", "\r",
      "\u001f", "\u007f", "\u0080", "\u00e9", "\u00ff", "\u0100", "\u07ff", "\u0800", "\u2028", "\u2029", "\u4e2d", "\ufeff",
      "\uffff", "\ud83d\ude00", "\ud800\udc00", "\udbff\udfff", "<", ">", "&", "'", "=", "%", "+", "\u00a0", "e\u0301"};
  private static final String[] LONE_SURROGATES = {"\ud83d", "\ude00", "\udc00\ud800", "x\ud800y"};

  @Test
  void writesRandomTasksExactlyAsTheJsonObjectPathDid() {
    SplittableRandom random = new SplittableRandom(1414);
    for (int i = 0; i < 20_000; i++) {
      Task t = task(random, false);
      assertSameBytes(Representations.task(t), TaskJson.task(t), t);
      assertSameBytes(Representations.claimedTask(t), TaskJson.claimedTask(t), t);
    }
  }

  @Test
  void writesClaimAnswersOfZeroToManyTasksExactlyAsBefore() {
    SplittableRandom random = new SplittableRandom(77);
    for (int i = 0; i < 2_000; i++) {
      List<Task> tasks = new ArrayList<>();
      int n = i % 5 == 0 ? 0 : random.nextInt(1, 8);
      for (int j = 0; j < n; j++) {
        tasks.add(task(random, false));
      }
      JsonObject old = new JsonObject().put("tasks", Representations.list(tasks, Representations::claimedTask));
      assertSameBytes(old, TaskJson.claimedTasks(tasks), tasks);
    }
  }

  @Test
  void writesBulkAnswersWithCreatedAndSkippedItemsExactlyAsBefore() {
    SplittableRandom random = new SplittableRandom(2024);
    for (int i = 0; i < 2_000; i++) {
      List<Task> created = new ArrayList<>();
      List<BulkOutcome.Skipped> skipped = new ArrayList<>();
      int n = i % 7 == 0 ? 0 : random.nextInt(1, 6);
      for (int j = 0; j < n; j++) {
        created.add(task(random, false));
      }
      int m = i % 3 == 0 ? 0 : random.nextInt(1, 4);
      for (int j = 0; j < m; j++) {
        skipped.add(new BulkOutcome.Skipped(random.nextInt(0, 10_000), random.nextInt(5) == 0 ? null : task(random, false),
            SkipReason.values()[random.nextInt(SkipReason.values().length)], maybe(random, () -> text(random, 10))));
      }
      BulkOutcome outcome = new BulkOutcome(n + m + random.nextInt(3), created, skipped);
      assertSameBytes(Representations.bulkOutcome(outcome), TaskJson.bulkOutcome(outcome), outcome);
    }
  }

  @Test
  void answersALargeTaskWhoseJsonOutgrowsTheWritersBufferExactlyAsBefore() {
    SplittableRandom random = new SplittableRandom(5);
    Task t = task(random, false);
    StringBuilder big = new StringBuilder();
    while (big.length() < 100_000) {
      big.append(PIECES[random.nextInt(PIECES.length)]);
    }
    Task large = withDescription(t, big.toString());
    assertSameBytes(Representations.task(large), TaskJson.task(large), large);
  }

  /** No task can hold one (PostgreSQL text is UTF-8), but if one did, the answer would not change. */
  @Test
  void writesLoneSurrogatesAsTheOldPathDid() {
    SplittableRandom random = new SplittableRandom(9);
    for (String lone : LONE_SURROGATES) {
      for (int i = 0; i < 50; i++) {
        Task t = task(random, true);
        Task withLone = withDescription(t, "before " + lone + " after");
        assertSameBytes(Representations.task(withLone), TaskJson.task(withLone), withLone);
        Task inParams = withParams(t, new JsonObject().put("k" + lone, lone).put("n", i));
        assertSameBytes(Representations.claimedTask(inParams), TaskJson.claimedTask(inParams), inParams);
      }
    }
  }

  @Test
  void writesCharactersBeyondTheBasicPlaneAsUtf8NotEscapes() {
    Task t = withDescription(task(new SplittableRandom(3), false), "\ud83d\ude00");
    String text = new String(bytes(TaskJson.task(t)), StandardCharsets.UTF_8);
    assertTrue(text.contains("\"description\":\"\ud83d\ude00\""), text);
  }

  private static void assertSameBytes(JsonObject old, Buffer now, Object what) {
    // What Responses.json sent: the encoded String, copied into a Buffer.
    byte[] expected = Buffer.buffer(old.encode()).getBytes();
    assertArrayEquals(expected, bytes(now), () -> "for " + what + "\n" + firstDifference(expected, bytes(now)));
  }

  private static String firstDifference(byte[] expected, byte[] actual) {
    int at = 0;
    while (at < expected.length && at < actual.length && expected[at] == actual[at]) {
      at++;
    }
    int from = Math.max(0, at - 24);
    return "first difference at byte " + at + " of " + expected.length + " / " + actual.length + ": expected "
        + hex(expected, from, at + 24) + " but got " + hex(actual, from, at + 24);
  }

  private static String hex(byte[] bytes, int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < Math.min(to, bytes.length); i++) {
      s.append(String.format("%02x ", bytes[i] & 0xff));
    }
    return s.toString();
  }

  private static byte[] bytes(Buffer buffer) {
    return buffer.getBytes();
  }

  private static Task task(SplittableRandom r, boolean plainStrings) {
    TaskStatus status = TaskStatus.values()[r.nextInt(TaskStatus.values().length)];
    return new Task(r.nextLong(1, Long.MAX_VALUE), r.nextBoolean() ? r.nextLong(1, 1000) : Long.MAX_VALUE,
        maybe(r, () -> text(r, 20)), maybe(r, () -> text(r, 5)), maybe(r, () -> text(r, 60)), maybe(r, () -> text(r, 300)),
        r.nextInt(10) == 0 ? null : object(r, 0), r.nextInt(), status, maybe(r, () -> text(r, 30)), maybe(r, () -> text(r, 30)),
        maybe(r, () -> text(r, 30)), maybe(r, () -> instant(r)), r.nextInt(0, 1000), r.nextInt(1, 1001), maybe(r, () -> text(r, 40)),
        r.nextBoolean() ? UUID.randomUUID() : null, maybe(r, () -> instant(r)), maybe(r, () -> instant(r)),
        maybe(r, () -> instant(r)), r.nextInt(4) == 0 ? null : value(r, 0), maybe(r, () -> text(r, 200)), instant(r), instant(r),
        r.nextInt(0, 5), r.nextBoolean() ? null : r.nextLong(1, Long.MAX_VALUE), r.nextBoolean(),
        r.nextInt(3) == 0 ? object(r, 0) : null, r.nextInt(3) == 0 ? null : new JsonObject(map(r, 0)));
  }

  private static Task withDescription(Task t, String description) {
    return new Task(t.id(), t.projectId(), t.type(), t.typeVersion(), t.title(), description, t.params(), t.priority(),
        t.status(), t.externalId(), t.milestoneId(), t.dedupeKey(), t.runAt(), t.attempts(), t.maxAttempts(), t.workerId(),
        t.leaseId(), t.claimedAt(), t.leaseExpiresAt(), t.completedAt(), t.result(), t.errorMessage(), t.createdAt(),
        t.updatedAt(), t.unmetPrerequisites(), t.parentId(), t.completeWhenChildrenDone(), t.eventPayloads(), t.metadata());
  }

  private static Task withParams(Task t, Object params) {
    return new Task(t.id(), t.projectId(), t.type(), t.typeVersion(), t.title(), t.description(), params, t.priority(),
        t.status(), t.externalId(), t.milestoneId(), t.dedupeKey(), t.runAt(), t.attempts(), t.maxAttempts(), t.workerId(),
        t.leaseId(), t.claimedAt(), t.leaseExpiresAt(), t.completedAt(), t.result(), t.errorMessage(), t.createdAt(),
        t.updatedAt(), t.unmetPrerequisites(), t.parentId(), t.completeWhenChildrenDone(), t.eventPayloads(), t.metadata());
  }

  private static <T> T maybe(SplittableRandom r, java.util.function.Supplier<T> value) {
    return r.nextInt(4) == 0 ? null : value.get();
  }

  private static String text(SplittableRandom r, int maxPieces) {
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      s.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  /** Years 1-9999 mostly, and now and then one the hand-written timestamps leave to the formatter. */
  private static Instant instant(SplittableRandom r) {
    long seconds = r.nextInt(20) == 0 ? r.nextLong(-100_000_000_000L, 400_000_000_000L) : r.nextLong(0, 4_102_444_800L);
    int nanos = switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextInt(1000) * 1_000_000;
      case 2 -> r.nextInt(1_000_000) * 1000;
      default -> r.nextInt(1_000_000_000);
    };
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** Nested objects as both JsonObject and the raw maps the PostgreSQL client leaves inside one. */
  private static Object object(SplittableRandom r, int depth) {
    Map<String, Object> map = map(r, depth);
    return r.nextBoolean() ? new JsonObject(map) : map;
  }

  private static Map<String, Object> map(SplittableRandom r, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    int n = r.nextInt(depth == 0 ? 6 : 4);
    for (int i = 0; i < n; i++) {
      map.put(text(r, 6) + i, value(r, depth + 1));
    }
    return map;
  }

  private static Object value(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth > 3 ? 11 : 13);
    return switch (kind) {
      case 0 -> null;
      case 1 -> r.nextBoolean();
      case 2 -> r.nextInt();
      case 3 -> r.nextLong();
      case 4 -> new BigInteger(r.nextInt(1, 400), new java.util.Random(r.nextLong())).negate().multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1));
      case 5 -> switch (r.nextInt(6)) {
        case 0 -> 0.1;
        case 1 -> -0.0;
        case 2 -> 1e300;
        case 3 -> 1.0E-7;
        case 4 -> (double) r.nextLong() / 1000;
        default -> r.nextDouble() * Math.pow(10, r.nextInt(-30, 30));
      };
      case 6 -> new BigDecimal(new BigInteger(r.nextInt(1, 200), new java.util.Random(r.nextLong())), r.nextInt(-500, 500));
      case 7 -> new BigDecimal("1E+400");
      case 8, 9, 10 -> text(r, 12);
      case 11 -> object(r, depth + 1);
      default -> array(r, depth + 1);
    };
  }

  private static Object array(SplittableRandom r, int depth) {
    List<Object> list = new ArrayList<>();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      list.add(value(r, depth));
    }
    return r.nextBoolean() ? new JsonArray(list) : list;
  }
}
