package io.taskq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.client.generated.ApiClient;
import io.taskq.client.generated.ApiException;
import io.taskq.client.generated.api.ApiKeysApi;
import io.taskq.client.generated.api.ProjectsApi;
import io.taskq.client.generated.api.TaskTypesApi;
import io.taskq.client.generated.api.TasksApi;
import io.taskq.client.generated.model.ApiKeyInput;
import io.taskq.client.generated.model.BatchResult;
import io.taskq.client.generated.model.BatchResultItem;
import io.taskq.client.generated.model.BulkInput;
import io.taskq.client.generated.model.BulkResult;
import io.taskq.client.generated.model.CancelManyInput;
import io.taskq.client.generated.model.ClaimInput;
import io.taskq.client.generated.model.ClaimedTask;
import io.taskq.client.generated.model.CompleteInput;
import io.taskq.client.generated.model.CompleteManyInput;
import io.taskq.client.generated.model.CompletionItem;
import io.taskq.client.generated.model.FailInput;
import io.taskq.client.generated.model.HeartbeatInput;
import io.taskq.client.generated.model.NewApiKey;
import io.taskq.client.generated.model.Permission;
import io.taskq.client.generated.model.Problem;
import io.taskq.client.generated.model.ProjectInput;
import io.taskq.client.generated.model.QueueInput;
import io.taskq.client.generated.model.Task;
import io.taskq.client.generated.model.TaskInput;
import io.taskq.client.generated.model.TaskPage;
import io.taskq.client.generated.model.TaskStatus;
import io.taskq.client.generated.model.TaskTypeInput;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A worker written against the Java client that the build generates from openapi/taskq.yaml
 * (openapi-generator, java/native), run against the real server over a real socket. If the
 * contract stops generating a client that compiles, this class does not compile; if the
 * generated client cannot read what the server answers, or builds URLs the server refuses,
 * it fails here.
 */
class GeneratedClientTest extends ServerTest {

  /** Every URI the generated clients sent, to check the custom-method paths they built. */
  private final Set<URI> sent = ConcurrentHashMap.newKeySet();

  private ApiClient client(String key) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + server.port());
    // The generated native client has no bearer-token helper: its request interceptor is the
    // documented way to add headers to every request.
    client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
    client.setResponseInterceptor(response -> sent.add(response.request().uri()));
    return client;
  }

  @Test
  void aWorkerOnTheGeneratedClientCreatesClaimsHeartbeatsCompletesAndFails() throws Exception {
    ApiClient adminClient = client(TestServer.ADMIN_KEY);
    long project = new ProjectsApi(adminClient).createProject(new ProjectInput().name("generated-" + UUID.randomUUID())).getId();
    String type = "gen-" + UUID.randomUUID().toString().substring(0, 8);
    new TaskTypesApi(adminClient).registerTaskType(new TaskTypeInput().name(type)
        .version(new io.taskq.client.generated.model.TaskTypeInputVersion("1.0.0"))
        .paramSchema(Map.of("type", "object", "properties", Map.of("n", Map.of("type", "integer")))));
    NewApiKey workerKey = new ApiKeysApi(adminClient).createApiKey(new ApiKeyInput().name("generated worker")
        .projectId(Math.toIntExact(project)).permissions(List.of(Permission.TASKS_WRITE, Permission.TASKS_CLAIM, Permission.TASKS_READ)));
    assertNotNull(workerKey.getSecret(), "a fresh key answers its secret");
    TasksApi tasks = new TasksApi(client(workerKey.getSecret()));

    Task first = tasks.createTask(project, new TaskInput().type(type).externalId("job-1").params(Map.of("n", 1)));
    assertEquals(TaskStatus.PENDING, first.getStatus());
    assertEquals(Map.of("n", 1), first.getParams());
    assertEquals(project, first.getProjectId());

    BulkResult bulk = tasks.bulkCreateTasks(project, new BulkInput().tasks(List.of(
        new TaskInput().type(type).externalId("job-1"),
        new TaskInput().type(type).externalId("job-2").priority(5),
        new TaskInput().type(type).externalId("job-3"))));
    assertEquals(2, bulk.getSummary().getCreated());
    assertEquals(1, bulk.getSkipped().size());
    assertEquals(first.getId(), bulk.getSkipped().get(0).getTask().getId(), "the duplicate names the task it duplicates");
    assertEquals(List.of("job-2", "job-3"), bulk.getCreated().stream().map(Task::getExternalId).toList());

    List<ClaimedTask> claimed = tasks.claimTasks(project, new ClaimInput().workerId("generated-worker").limit(10)).getTasks();
    assertEquals(3, claimed.size());
    assertEquals("job-2", claimed.get(0).getExternalId(), "highest priority first");
    assertTrue(claimed.stream().allMatch(t -> t.getStatus() == TaskStatus.CLAIMED && t.getLeaseId() != null));
    ClaimedTask job2 = claimed.get(0);
    ClaimedTask job1 = byExternalId(claimed, "job-1");
    ClaimedTask job3 = byExternalId(claimed, "job-3");

    ClaimedTask beaten = tasks.heartbeatTask(project, job2.getId(), new HeartbeatInput().leaseId(job2.getLeaseId()).leaseSeconds(600));
    assertEquals(job2.getLeaseId(), beaten.getLeaseId());
    assertTrue(beaten.getLeaseExpiresAt().isAfter(job2.getLeaseExpiresAt()), "the heartbeat extended the lease");

    ClaimedTask done = tasks.completeTask(project, job2.getId(), new CompleteInput().leaseId(job2.getLeaseId()).result(Map.of("ok", true)));
    assertEquals(TaskStatus.COMPLETED, done.getStatus());
    assertEquals(Map.of("ok", true), done.getResult());

    ClaimedTask retried = tasks.failTask(project, job1.getId(), new FailInput().leaseId(job1.getLeaseId()).error("flaky"));
    assertEquals(TaskStatus.PENDING, retried.getStatus(), "retryable with attempts left: pending again");
    assertNull(retried.getLeaseId(), "the lease was dropped");
    assertEquals("flaky", retried.getErrorMessage());

    ApiException stale = assertThrows(ApiException.class,
        () -> tasks.completeTask(project, job1.getId(), new CompleteInput().leaseId(job1.getLeaseId())));
    assertEquals(409, stale.getCode(), "completing with the lease the failure dropped");
    Problem problem = adminClient.getObjectMapper().readValue(stale.getResponseBody(), Problem.class);
    assertEquals(URI.create("https://taskq.dev/problems/lease-conflict"), problem.getType());
    assertEquals(409, problem.getStatus());

    ApiException wrong = assertThrows(ApiException.class,
        () -> tasks.completeTask(project, job3.getId(), new CompleteInput().leaseId(UUID.randomUUID())));
    assertEquals(409, wrong.getCode(), "completing with a lease the task never had");

    BatchResult batch = tasks.completeTasks(project, new CompleteManyInput().completions(List.of(
        new CompletionItem().id(job3.getId()).leaseId(job3.getLeaseId()).result(3),
        new CompletionItem().id(job1.getId()).leaseId(job1.getLeaseId()))));
    List<BatchResultItem> results = batch.getResults();
    assertEquals("completed", results.get(0).getOutcome().getValue());
    assertEquals(TaskStatus.COMPLETED, results.get(0).getStatus());
    assertEquals("lease_conflict", results.get(1).getOutcome().getValue());
    assertEquals(TaskStatus.PENDING, results.get(1).getStatus(), "as found");
    assertEquals(409, results.get(1).getProblem().getStatus());

    TaskPage page = tasks.listTasks(project, null, type, null, null, null, null, 100, null, null, null, null, null, null, null);
    assertNull(page.getNextAfter());
    assertEquals(Map.of("job-1", TaskStatus.PENDING, "job-2", TaskStatus.COMPLETED, "job-3", TaskStatus.COMPLETED),
        page.getItems().stream().collect(Collectors.toMap(Task::getExternalId, Task::getStatus)));
    assertEquals(3, tasks.getTask(project, job3.getId()).getResult());

    Set<String> paths = sent.stream().map(URI::getRawPath).collect(Collectors.toSet());
    assertTrue(paths.contains("/projects/" + project + "/tasks/" + job2.getId() + ":complete"), paths::toString);
    assertTrue(paths.contains("/projects/" + project + "/tasks:claim"), paths::toString);
    assertFalse(paths.stream().anyMatch(p -> p.contains("%3A") || p.contains("%3a")), "the ':' of custom methods is sent as is");
  }

  @Test
  void theGeneratedClientReadsListingsOfEveryResource() throws Exception {
    ApiClient adminClient = client(TestServer.ADMIN_KEY);
    long project = new ProjectsApi(adminClient).createProject(new ProjectInput().name("listed-" + UUID.randomUUID())).getId();
    assertTrue(new ProjectsApi(adminClient).listProjects().getItems().stream().anyMatch(p -> p.getId() == project));
    assertTrue(new ApiKeysApi(adminClient).listApiKeys().getItems().stream()
        .anyMatch(k -> k.getPermissions().contains(Permission.ADMIN)));
    String type = newType();
    assertTrue(new TaskTypesApi(adminClient).listTaskTypes().getItems().stream().anyMatch(t -> t.getName().equals(type)));
    TasksApi tasks = new TasksApi(adminClient);
    Task task = tasks.createTask(project, new TaskInput().type(type));
    assertNotEquals(0, tasks.listTaskLogs(project, task.getId(), null, null).getItems().size(), "creation is logged");
    assertEquals(1, tasks.cancelTasks(project, new CancelManyInput()).getCancelled());
    assertEquals(List.of(type), tasks.pauseQueue(project, new QueueInput().type(type)).getPausedTypes());
    // An omitted optional body: the generated client sends the JSON literal null, which means no body.
    assertTrue(tasks.pauseQueue(project, null).getPaused());
    assertFalse(tasks.resumeQueue(project, null).getPaused());
    assertEquals(TaskStatus.PENDING, tasks.retryTask(project, task.getId(), null).getStatus());
  }

  private static ClaimedTask byExternalId(List<ClaimedTask> tasks, String externalId) {
    return tasks.stream().filter(t -> externalId.equals(t.getExternalId())).findFirst().orElseThrow();
  }
}
