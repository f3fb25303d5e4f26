package io.taskq.workflow;

import java.util.regex.Pattern;

/**
 * The spellings of workflow and step names, as the workflows_name_format CHECK has the first.
 * Neither may hold ':', '@' or '/': a run id is {@code <workflow>@<instant>}, a run's task has
 * the external id {@code <run_id>:<step>:0}, and a workflow name sits in URL paths.
 */
public final class WorkflowNames {

  private static final Pattern WORKFLOW = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,199}");
  private static final Pattern STEP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

  private WorkflowNames() {
  }

  public static boolean isWorkflowName(String name) {
    return name != null && WORKFLOW.matcher(name).matches();
  }

  public static boolean isStepName(String name) {
    return name != null && STEP.matcher(name).matches();
  }
}
