package io.taskq.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Browser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The operator's flows in a real browser, against the real server and database. */
class DashboardBrowserTest extends DashboardTest {

  @Test
  void aCreatedTaskAppearsInTheOverviewAfterSignIn() {
    long project = newProject();
    String type = newType();
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/overview");
    By pending = By.cssSelector("#status-counts [data-status=pending] .count");
    waitUntil(ExpectedConditions.textToBe(pending, "0"));

    createTask(project, type);
    // The overview polls the statistics every 5 s: the new task shows without a reload.
    waitUntil(ExpectedConditions.textToBe(pending, "1"));
    waitFor(By.cssSelector("#types tr[data-type='" + type + "']"));
    waitFor(By.cssSelector("#throughput-chart canvas"));
    Browser.screenshot(chrome, "overview");
  }

  @Test
  void fullTextSearchFindsTheTask() {
    long project = newProject();
    String type = newType();
    long wanted = createTask(project, new JsonObject().put("type", type).put("title", "disk full on host seven")).getLong("id");
    createTask(project, new JsonObject().put("type", type).put("title", "certificate renewal"));
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/tasks");
    waitFor(By.id("task-table"));

    chrome.findElement(By.id("filter-q")).sendKeys("disk");
    chrome.findElement(By.id("apply-filters")).click();
    waitUntil(d -> d.findElements(By.cssSelector("#task-table tbody tr")).size() == 1
        && !d.findElements(By.cssSelector("#task-table tr[data-task-id='" + wanted + "']")).isEmpty());
    Browser.screenshot(chrome, "task-search");
  }

  @Test
  void aFailedTaskIsRetriedFromItsPage() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, new JsonObject().put("type", type).put("max_attempts", 1)).getLong("id");
    String lease = claim(project, "w-ui", 1).getJsonObject(0).getString("lease_id");
    admin.post("/projects/" + project + "/tasks/" + id + ":fail",
        new JsonObject().put("lease_id", lease).put("error", "disk full").put("retryable", false)).expect(200);
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/tasks/" + id);
    waitFor(By.cssSelector("h1[data-status=failed]"));
    assertEquals("disk full", text(By.id("task-error")));
    waitFor(By.cssSelector("#timeline li[data-event=failed]"));
    Browser.screenshot(chrome, "task-failed");

    waitUntil(ExpectedConditions.elementToBeClickable(By.id("retry"))).click();
    waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-yes"))).click();
    waitFor(By.cssSelector("h1[data-status=pending]"));
    assertEquals("pending", admin.get("/projects/" + project + "/tasks/" + id).expect(200).json().getString("status"));
    waitFor(By.cssSelector("#timeline li[data-event=retried]"));
  }

  @Test
  void aClaimedTaskIsCancelledFromItsPageAndCanThenBeRetried() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    claim(project, "w-ui", 1);
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/tasks/" + id);
    waitFor(By.cssSelector("h1[data-status=claimed]"));
    assertTrue(chrome.findElements(By.id("change-priority")).isEmpty(), "a claimed task's priority cannot change");
    assertTrue(chrome.findElements(By.id("retry")).isEmpty(), "a claimed task cannot be retried");

    waitUntil(ExpectedConditions.elementToBeClickable(By.id("cancel"))).click();
    waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-yes"))).click();
    waitFor(By.cssSelector("h1[data-status=cancelled]"));
    assertEquals("cancelled", admin.get("/projects/" + project + "/tasks/" + id).expect(200).json().getString("status"));
    waitFor(By.id("retry"));
    assertTrue(chrome.findElements(By.id("cancel")).isEmpty(), "a cancelled task cannot be cancelled again");
  }

  @Test
  void declinedConfirmationChangesNothingAndAConfirmedOneChangesThePriority() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/tasks/" + id);
    WebElement priority = waitFor(By.id("priority"));
    priority.clear();
    priority.sendKeys("7");
    chrome.findElement(By.id("change-priority")).click();
    // Declined from the keyboard: the dialog opens with the focus on "Keep as is", and Escape closes it.
    WebElement keep = waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-no")));
    assertEquals(keep, chrome.switchTo().activeElement());
    keep.sendKeys(Keys.ESCAPE);
    waitUntil(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
    assertEquals(0, admin.get("/projects/" + project + "/tasks/" + id).expect(200).json().getInteger("priority"));

    chrome.findElement(By.id("change-priority")).click();
    waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-yes"))).click();
    waitUntil(d -> admin.get("/projects/" + project + "/tasks/" + id).json().getInteger("priority") == 7);
    waitFor(By.cssSelector("#timeline li[data-event=updated]"));
  }

  @Test
  void aWorkflowRunsGraphTurnsGreenAsItsTasksComplete() {
    long project = newProject();
    String type = newType();
    admin.post("/projects/" + project + "/workflows", new JsonObject().put("name", "etl").put("version", 1).put("steps", new JsonArray()
        .add(new JsonObject().put("name", "extract").put("type", type))
        .add(new JsonObject().put("name", "transform").put("type", type).put("depends_on", new JsonArray().add("extract")))
        .add(new JsonObject().put("name", "load").put("type", type).put("depends_on", new JsonArray().add("transform")))))
        .expect(201);
    admin.post("/projects/" + project + "/workflows/etl/runs", new JsonObject().put("run_id", "etl-1")).expect(201);
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/runs/etl-1");
    waitFor(By.cssSelector("#run-graph svg a[data-step=extract][data-status=pending]"));
    waitFor(By.cssSelector("#run-graph svg a[data-step=load][data-status=blocked]"));
    // The status is written in each node, not only shown by its colour.
    assertEquals("blocked", chrome.findElement(By.cssSelector("#run-graph a[data-step=load] text.state")).getText());
    Browser.screenshot(chrome, "run-graph-started");

    for (String step : List.of("extract", "transform", "load")) {
      JsonObject claimed = claim(project, "w-ui", 1).getJsonObject(0);
      admin.post("/projects/" + project + "/tasks/" + claimed.getLong("id") + ":complete",
          new JsonObject().put("lease_id", claimed.getString("lease_id"))).expect(200);
      // The page follows while the page stays open (it polls the run every 2 s).
      waitFor(By.cssSelector("#run-graph svg a[data-step=" + step + "][data-status=completed]"));
    }
    waitFor(By.cssSelector("h1[data-status=completed]"));
    assertEquals(3, chrome.findElements(By.cssSelector("#run-graph svg a[data-status=completed]")).size());
    Browser.screenshot(chrome, "run-graph-completed");
  }

  @Test
  void aReadOnlyKeySeesNoActionButtons() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, new JsonObject().put("type", type).put("max_attempts", 1)).getLong("id");
    String lease = claim(project, "w-ui", 1).getJsonObject(0).getString("lease_id");
    admin.post("/projects/" + project + "/tasks/" + id + ":fail",
        new JsonObject().put("lease_id", lease).put("error", "boom").put("retryable", false)).expect(200);
    long pending = createTask(project, type).getLong("id");
    signIn(newKey(project, "tasks:read"));

    open("#/p/" + project + "/tasks/" + id);
    waitFor(By.cssSelector("h1[data-status=failed]"));
    assertTrue(chrome.findElements(By.cssSelector("#task-actions button")).isEmpty(), "no action on a failed task");
    open("#/p/" + project + "/tasks/" + pending);
    waitFor(By.cssSelector("h1[data-status=pending]"));
    assertTrue(chrome.findElements(By.cssSelector("#task-actions button, #task-actions input")).isEmpty(), "no action on a pending task");
    open("#/p/" + project + "/queues");
    waitFor(By.cssSelector("#queue-table tr[data-queue='" + type + "'][data-state=running]"));
    assertTrue(chrome.findElements(By.cssSelector("#queue-table button")).isEmpty(), "no pause or resume");
  }

  @Test
  void aQueueIsPausedAndResumedWithItsStateShown() {
    long project = newProject();
    String type = newType();
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/queues");
    By row = By.cssSelector("#queue-table tr[data-queue='" + type + "']");
    waitFor(By.cssSelector("#queue-table tr[data-queue='" + type + "'][data-state=running]"));
    chrome.findElement(row).findElement(By.tagName("button")).click();
    waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-yes"))).click();
    waitFor(By.cssSelector("#queue-table tr[data-queue='" + type + "'][data-state=paused]"));
    assertEquals(List.of(type), admin.get("/projects/" + project + "/queue").expect(200).json().getJsonArray("paused_types").getList());
    Browser.screenshot(chrome, "queues");

    chrome.findElement(row).findElement(By.tagName("button")).click();
    waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-yes"))).click();
    waitFor(By.cssSelector("#queue-table tr[data-queue='" + type + "'][data-state=running]"));
    assertTrue(admin.get("/projects/" + project + "/queue").expect(200).json().getJsonArray("paused_types").isEmpty());
  }

  @Test
  void theOverviewShowsTypesThroughputAndTheWorkersWithTheirLeases() {
    // Named as an operator would name them: this view is the README's screenshot (src/site/resources/).
    long project = admin.post("/projects", new JsonObject().put("name", "payments")).expect(201).json().getLong("id");
    String invoices = "invoice.render";
    String emails = "email.send";
    for (String type : List.of(invoices, emails)) {
      admin.post("/task-types", new JsonObject().put("name", type).put("version", 1).put("param_schema", new JsonObject().put("type", "object")))
          .expect(201);
    }
    for (int i = 0; i < 12; i++) {
      createTask(project, i % 3 == 0 ? emails : invoices);
    }
    JsonArray first = claim(project, "worker-a", 6);
    for (int i = 0; i < first.size(); i++) {
      JsonObject t = first.getJsonObject(i);
      String path = "/projects/" + project + "/tasks/" + t.getLong("id");
      if (i == 0) {
        admin.post(path + ":fail", new JsonObject().put("lease_id", t.getString("lease_id")).put("error", "card declined")
            .put("retryable", false)).expect(200);
      } else {
        admin.post(path + ":complete", new JsonObject().put("lease_id", t.getString("lease_id"))).expect(200);
      }
    }
    claim(project, "worker-b", 2); // held: two leases
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/overview");

    waitUntil(ExpectedConditions.textToBe(By.cssSelector("#status-counts [data-status=completed] .count"), "5"));
    assertEquals("1", text(By.cssSelector("#status-counts [data-status=failed] .count")));
    assertEquals("2", text(By.cssSelector("#status-counts [data-status=claimed] .count")));
    // Workers are seen about a second after their statements: the page catches up on its own.
    By workerB = By.cssSelector("#workers tr[data-worker=worker-b] td:nth-of-type(2)");
    waitUntil(ExpectedConditions.textToBe(workerB, "2"));
    By workerA = By.cssSelector("#workers tr[data-worker=worker-a] td:nth-of-type(6)");
    waitUntil(ExpectedConditions.textToBe(workerA, "83.3 %"));
    waitFor(By.cssSelector("#types tr[data-type='" + invoices + "']"));
    Browser.screenshot(chrome, "overview-busy");
  }

  @Test
  void workflowsShowTheirRunStatisticsAndNextScheduledRun() {
    long project = newProject();
    String type = newType();
    admin.post("/projects/" + project + "/workflows", new JsonObject().put("name", "nightly").put("version", 1)
        .put("steps", new JsonArray().add(new JsonObject().put("name", "only").put("type", type)))
        .put("schedule", new JsonObject().put("cron", "0 3 * * *").put("timezone", "UTC"))).expect(201);
    admin.post("/projects/" + project + "/workflows/nightly/runs", new JsonObject().put("run_id", "n-1")).expect(201);
    String nextDue = admin.get("/projects/" + project + "/workflows/nightly").expect(200).json()
        .getJsonObject("schedule").getString("next_due_at");
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    open("#/p/" + project + "/workflows");
    WebElement row = waitFor(By.cssSelector("#workflow-table tr[data-workflow=nightly]"));
    assertTrue(row.getText().contains("0 3 * * * (UTC)"), row.getText());
    assertEquals(nextDue, row.findElement(By.cssSelector("time")).getAttribute("datetime"));
    assertEquals("1", row.findElement(By.cssSelector("td:nth-of-type(5)")).getText(), "one run running");
    Browser.screenshot(chrome, "workflows");

    row.findElement(By.linkText("nightly")).click();
    waitFor(By.cssSelector("#run-table tr[data-run-id=n-1]"));
  }

  @Test
  void aProjectScopedKeySeesOnlyItsProject() {
    long mine = newProject();
    long other = newProject();
    signIn(newKey(mine, "tasks:read"));
    waitFor(By.cssSelector("#project option"));
    List<String> offered = chrome.findElements(By.cssSelector("#project option")).stream().map(o -> o.getAttribute("value")).toList();
    assertEquals(List.of(Long.toString(mine)), offered);
    // Another project's address leads back to the key's own project.
    open("#/p/" + other + "/overview");
    waitUntil(ExpectedConditions.urlContains("#/p/" + mine + "/overview"));
    waitFor(By.cssSelector("#status-counts [data-status=pending]"));
  }

  @Test
  void signOutClearsTheKeyFromSessionStorage() {
    signIn(io.taskq.support.TestServer.ADMIN_KEY);
    assertEquals(io.taskq.support.TestServer.ADMIN_KEY, chrome.executeScript("return sessionStorage.getItem('taskq.apiKey')"));
    // Never in the address, a cookie or local storage.
    assertFalse(chrome.getCurrentUrl().contains(io.taskq.support.TestServer.ADMIN_KEY));
    assertEquals("", chrome.executeScript("return document.cookie"));
    assertEquals(0L, chrome.executeScript("return localStorage.length"));

    chrome.findElement(By.id("sign-out")).click();
    waitFor(By.id("api-key"));
    assertNull(chrome.executeScript("return sessionStorage.getItem('taskq.apiKey')"));
    assertEquals(0L, chrome.executeScript("return sessionStorage.length"));
  }

  @Test
  void anUnknownKeyIsRefusedAtSignIn() {
    WebElement input = waitFor(By.id("api-key"));
    input.sendKeys("tq_not_a_key_of_this_server_000000");
    chrome.findElement(By.id("sign-in")).click();
    waitUntil(ExpectedConditions.textToBe(By.id("sign-in-message"), "That key is unknown or revoked."));
    assertNull(chrome.executeScript("return sessionStorage.getItem('taskq.apiKey')"));
  }
}
