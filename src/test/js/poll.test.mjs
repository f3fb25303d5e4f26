// The dashboard's polling (src/main/resources/ui/js/poll.js) under Node's test runner with mocked
// timers: what a dashboard left open costs the server. Run by Maven in the test phase.
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

class FakeDocument extends EventTarget {
  hidden = false;
}
globalThis.document = new FakeDocument();
// Loaded as a module whatever Node makes of a .js file outside a package (it imports nothing).
const source = await readFile(new URL('../../main/resources/ui/js/poll.js', import.meta.url), 'utf8');
const { every } = await import(`data:text/javascript,${encodeURIComponent(source)}`);

/** Lets the refresh's promises settle (the mocked timers do not cover setImmediate). */
const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
};

function hide(hidden) {
  document.hidden = hidden;
  document.dispatchEvent(new Event('visibilitychange'));
}

test('refreshes at once, then once per interval', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let calls = 0;
    const poller = every(5000, async () => { calls += 1; }, assert.fail);
    await settle();
    assert.equal(calls, 1);
    mock.timers.tick(4999);
    await settle();
    assert.equal(calls, 1);
    mock.timers.tick(1);
    await settle();
    assert.equal(calls, 2);
    poller.stop();
    mock.timers.tick(60000);
    await settle();
    assert.equal(calls, 2, 'nothing after stop');
  } finally {
    mock.timers.reset();
  }
});

test('does not refresh while the tab is hidden, and refreshes as soon as it shows again', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let calls = 0;
    const poller = every(5000, async () => { calls += 1; }, assert.fail);
    await settle();
    hide(true);
    mock.timers.tick(10 * 60 * 1000);
    await settle();
    assert.equal(calls, 1, 'no request in 10 hidden minutes');
    hide(false);
    await settle();
    assert.equal(calls, 2);
    poller.stop();
  } finally {
    hide(false);
    mock.timers.reset();
  }
});

test('never runs two refreshes at once, however slow the server', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let running = 0;
    let most = 0;
    let calls = 0;
    let release;
    const poller = every(1000, () => {
      calls += 1;
      running += 1;
      most = Math.max(most, running);
      return new Promise((resolve) => { release = () => { running -= 1; resolve(); }; });
    }, assert.fail);
    await settle();
    mock.timers.tick(10000);
    poller.now();
    await settle();
    assert.equal(calls, 1, 'a slow refresh holds the next one back');
    release();
    await settle();
    mock.timers.tick(1000);
    await settle();
    assert.equal(calls, 2);
    assert.equal(most, 1);
    poller.stop();
    release();
  } finally {
    mock.timers.reset();
  }
});

test('stops when a refresh answers false (a finished workflow run)', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let calls = 0;
    every(2000, async () => { calls += 1; return calls < 2; }, assert.fail);
    await settle();
    mock.timers.tick(2000);
    await settle();
    mock.timers.tick(60000);
    await settle();
    assert.equal(calls, 2);
  } finally {
    mock.timers.reset();
  }
});
