package io.taskq.api;

import io.taskq.config.TaskqConfig;

/**
 * The same race with two event loops serving HTTP, whatever the machine's default: the claimers'
 * connections are spread over both loops, so coalesced claims and completions carry requests
 * from both, and each answer crosses back to its own loop.
 */
class ConcurrentClaimOnTwoEventLoopsTest extends ConcurrentClaimTest {

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    return config.withHttpEventLoops(2);
  }
}
