// Live views refresh by polling, one request round at a time, and not at all while the tab is
// hidden: a dashboard left open costs the server a few requests every few seconds at most.

export function every(ms, refresh, onError) {
  let timer = null;
  let running = false;
  let stopped = false;

  const schedule = () => {
    if (!stopped && !document.hidden && timer === null) {
      timer = setTimeout(tick, ms);
    }
  };
  async function tick() {
    timer = null;
    if (stopped || document.hidden || running) {
      return;
    }
    running = true;
    try {
      const again = await refresh();
      if (again === false) {
        stopped = true;
      }
    } catch (e) {
      onError(e);
    } finally {
      running = false;
      schedule();
    }
  }
  const visibility = () => {
    if (!document.hidden && timer === null) {
      tick();
    }
  };
  document.addEventListener('visibilitychange', visibility);
  tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', visibility);
    },
    /** Refresh now (after an action), then keep the rhythm. */
    now() {
      clearTimeout(timer);
      timer = null;
      tick();
    },
  };
}
