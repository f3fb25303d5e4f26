package io.taskq.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;

/** What one run's workers do. The run decides how many workers, when, and on which event loop. */
interface LoadScenario {

  /** Pause after an empty claim in scenarios that drain a prefilled queue: an empty queue there is an anomaly, not a load to measure. */
  long EMPTY_QUEUE_PAUSE_MS = 5;

  /** One iteration of worker {@code worker}: a request (or a claim and its completions) through to the answer. */
  Future<?> step(int worker, MeasurementWindow window);

  /** Load that does not come from the workers (the e2e creator); runs until the window closes. */
  default Future<Void> background(Context context, MeasurementWindow window) {
    return Future.succeededFuture();
  }

  /** Name of {@link MeasurementWindow#secondLatency} in the report, or null when the scenario does not use it. */
  default String secondLatencyName() {
    return null;
  }

  /** Churn: what each time window measured; read after {@link #notes}. */
  default List<ChurnWindow> windows() {
    return List.of();
  }

  /** Facts of the run worth a line under the table. */
  default List<String> notes(MeasurementWindow window) {
    return List.of();
  }
}
