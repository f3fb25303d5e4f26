package io.taskq.api;

import io.taskq.error.JsonPointers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Whether a client's JSON value (params, result) can be stored in jsonb and read back as the
 * same value, given the number types {@link StrictJson} produces.
 *
 * <p>The rule for numbers, and why: jsonb keeps a number as {@code numeric} (1.0 stays 1.0,
 * 1E+2 becomes 100, -0.0 becomes 0.0), and taskq reads jsonb back through Vert.x's decoder,
 * which makes a double of every number with a fraction and an exact integer of the rest. So a
 * number is kept exactly (as a value; the digits shown may be jsonb's, such as 100 for 1E+2,
 * or the double's shortest form, such as 1.5 for 1.50) when it is
 * <ul>
 *   <li>an integer (as jsonb writes it: 1E+2 is one) within int64, or beyond it one that a
 *       double holds: within its range, with at most 15 significant digits or printed back
 *       unchanged (1e20, 4.65612E+21, 1.7976931348623157e308); those read back exactly;</li>
 *   <li>a number with a fraction whose double prints back (Double.toString, as Jackson writes
 *       it) as the same value (0.1, 1.0, 1.50, 2.5e-3, 4.9E-324); it reads back as that double.</li>
 * </ul>
 * Anything else would come back different and is refused, naming its pointer: beyond a double's
 * range (1e400), more significant digits than a double holds (0.10000000000000001,
 * 12345678901234567890123), and negative zero (its sign would be lost). A string or key holding
 * U+0000 is refused too: jsonb cannot store it, and PostgreSQL's refusal would fail a whole
 * coalesced statement.
 */
final class StorableJson {

  /** A response lists at most this many faults of one value. */
  static final int MAX_FAULTS = 10;

  interface Faults {
    /** Records one fault; answers whether more are wanted. */
    boolean add(String pointer, String message);
  }

  private StorableJson() {
  }

  /** Checks {@code value}, reporting each fault under {@code pointer}; answers whether it is storable. */
  static boolean check(Object value, String pointer, Faults faults) {
    return walk(value, new Trail(pointer), faults) == Walk.CLEAN;
  }

  private enum Walk { CLEAN, FAULTY, STOP }

  /**
   * The way down to the value being checked. A 1 MiB result holds tens of thousands of values,
   * nearly always clean: their pointers are written out only for a fault, never on the way.
   */
  private static final class Trail {
    private final String base;
    private String[] keys = new String[16];
    private int[] indexes = new int[16];
    private int depth;

    Trail(String base) {
      this.base = base;
    }

    void enter(String key, int index) {
      if (depth == keys.length) {
        keys = Arrays.copyOf(keys, depth * 2);
        indexes = Arrays.copyOf(indexes, depth * 2);
      }
      keys[depth] = key;
      indexes[depth] = index;
      depth++;
    }

    void leave() {
      keys[--depth] = null;
    }

    String pointer() {
      StringBuilder at = new StringBuilder(base);
      for (int i = 0; i < depth; i++) {
        at.append('/');
        if (keys[i] != null) {
          at.append(JsonPointers.escape(keys[i]));
        } else {
          at.append(indexes[i]);
        }
      }
      return at.toString();
    }
  }

  private static Walk walk(Object value, Trail trail, Faults faults) {
    if (value instanceof JsonObject object) {
      Walk result = Walk.CLEAN;
      for (Map.Entry<String, Object> entry : object.getMap().entrySet()) {
        trail.enter(entry.getKey(), -1);
        if (entry.getKey().indexOf('\u0000') >= 0) {
          result = Walk.FAULTY;
          if (!faults.add(trail.pointer(), "keys must not contain U+0000 (it cannot be stored)")) {
            return Walk.STOP;
          }
        }
        Walk inner = walk(entry.getValue(), trail, faults);
        trail.leave();
        if (inner == Walk.STOP) {
          return Walk.STOP;
        }
        if (inner == Walk.FAULTY) {
          result = Walk.FAULTY;
        }
      }
      return result;
    }
    if (value instanceof JsonArray array) {
      Walk result = Walk.CLEAN;
      List<Object> list = array.getList();
      for (int i = 0; i < list.size(); i++) {
        trail.enter(null, i);
        Walk inner = walk(list.get(i), trail, faults);
        trail.leave();
        if (inner == Walk.STOP) {
          return Walk.STOP;
        }
        if (inner == Walk.FAULTY) {
          result = Walk.FAULTY;
        }
      }
      return result;
    }
    String fault = null;
    if (value instanceof String s) {
      if (s.indexOf('\u0000') >= 0) {
        fault = "strings must not contain U+0000 (it cannot be stored)";
      }
    } else if (value instanceof Double d) {
      if (d == 0 && Double.doubleToRawLongBits(d) != 0) {
        fault = "negative zero cannot be stored (it would read back as 0); send 0";
      }
    } else if (value instanceof BigInteger big) {
      if (big.bitLength() > 63 && !StrictJson.doubleHolds(big)) {
        fault = "this integer cannot be stored exactly: beyond int64 it must be a value a double holds exactly";
      }
    } else if (value instanceof BigDecimal) {
      fault = "this number cannot be stored exactly: it is beyond a double's range or has more significant digits than a double holds";
    }
    if (fault == null) {
      return Walk.CLEAN;
    }
    return faults.add(trail.pointer(), fault) ? Walk.FAULTY : Walk.STOP;
  }
}
