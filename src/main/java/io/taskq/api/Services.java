package io.taskq.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskq.auth.ApiKeyService;
import io.taskq.auth.RateLimiter;
import io.taskq.db.DatabaseHealth;
import io.taskq.queue.ProjectService;
import io.taskq.queue.QueueControl;
import io.taskq.queue.TaskService;
import io.taskq.queue.TaskTypeService;
import io.taskq.stats.StatsService;
import io.taskq.store.IdempotencyStore;
import io.taskq.workflow.DependencyService;
import io.taskq.workflow.EventService;
import io.taskq.workflow.GraphService;
import io.taskq.workflow.RunService;
import io.taskq.workflow.WorkflowService;
import io.taskq.worker.WorkerService;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/** What the HTTP layer talks to. Built once per process and shared by every HTTP verticle instance. */
public record Services(
    ProjectService projects,
    TaskTypeService taskTypes,
    TaskService tasks,
    GraphService graphs,
    DependencyService dependencies,
    ApiKeyService apiKeys,
    DatabaseHealth database,
    PrometheusMeterRegistry registry,
    Buffer contract,
    IdempotencyStore idempotency,
    Duration idempotencyTtl,
    RateLimiter rateLimiter,
    QueueControl queues,
    Admission bulkAdmission,
    Overload overload,
    WorkflowService workflows,
    RunService runs,
    EventService events,
    WorkerService workers,
    StatsService stats) {
}
