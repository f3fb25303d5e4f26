package io.taskq.queue;

import java.util.List;

/** A project's paused queues: the whole project's, and single types' by name. */
public record PausedQueues(boolean wholeProject, List<String> types) {
}
