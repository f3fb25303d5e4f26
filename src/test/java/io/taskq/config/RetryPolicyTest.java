package io.taskq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy = new RetryPolicy(2, 60, 0.5);

  @Test
  void doublesEachAttemptUpToTheCap() {
    assertEquals(2, policy.delaySeconds(1, 0), 1e-9);
    assertEquals(4, policy.delaySeconds(2, 0), 1e-9);
    assertEquals(32, policy.delaySeconds(5, 0), 1e-9);
    assertEquals(60, policy.delaySeconds(6, 0), 1e-9);
    assertEquals(60, policy.delaySeconds(60, 0), 1e-9);
  }

  @Test
  void jitterShortensByAtMostItsFraction() {
    assertEquals(4 * 0.5, policy.delaySeconds(2, 1), 1e-9);
    assertEquals(4 * 0.75, policy.delaySeconds(2, 0.5), 1e-9);
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(10, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, 5, 2));
  }
}
