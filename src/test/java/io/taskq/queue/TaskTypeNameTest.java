package io.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The loop reads names exactly as the task_types_name_format CHECK's expression does. */
class TaskTypeNameTest {

  private static final Pattern CHECK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}");
  private static final String ALPHABET = "aZ09_.:/-% \u00e9\uff10\u0000*~";

  @Test
  void agreesWithTheCheckConstraintsExpression() {
    Random random = new Random(11);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder name = new StringBuilder();
      int length = random.nextInt(8) == 0 ? 195 + random.nextInt(10) : random.nextInt(6);
      for (int i = 0; i < length; i++) {
        name.append(ALPHABET.charAt(random.nextInt(random.nextInt(4) == 0 ? ALPHABET.length() : 9)));
      }
      String s = name.toString();
      assertEquals(CHECK.matcher(s).matches(), TaskTypeName.isValid(s), () -> "'" + s + "' (" + s.length() + ")");
    }
  }

  @Test
  void absentAndEdgeNames() {
    assertEquals(false, TaskTypeName.isValid(null));
    assertEquals(false, TaskTypeName.isValid(""));
    assertEquals(false, TaskTypeName.isValid("-a"));
    assertEquals(true, TaskTypeName.isValid("a".repeat(200)));
    assertEquals(false, TaskTypeName.isValid("a".repeat(201)));
  }
}
