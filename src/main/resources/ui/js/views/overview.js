// Overview of one project: tasks by status and type, the oldest claimable age, throughput per
// minute over the last hour (GET /stats: counters, as cheap at a million tasks as at ten) and
// the workers seen in the last 5 minutes. Two requests every 5 seconds while the tab is visible.
import uPlot from '../../vendor/uplot/uPlot.esm.js';
import { get, query } from '../api.js';
import { h, replace, status, table } from '../dom.js';
import { ago, percent, seconds } from '../format.js';
import { every } from '../poll.js';

const STATUSES = ['pending', 'claimed', 'blocked', 'completed', 'failed', 'cancelled'];
const REFRESH_MS = 5000;

// Each series has its own colour and its own dash pattern, and is named in the legend.
const SERIES = [
  { key: 'created', label: 'created', stroke: '#1d4ed8', dash: [] },
  { key: 'claimed', label: 'claimed', stroke: '#a16207', dash: [8, 4] },
  { key: 'completed', label: 'completed', stroke: '#15803d', dash: [2, 3] },
  { key: 'failed', label: 'failed', stroke: '#b91c1c', dash: [10, 3, 2, 3] },
];

export function overview(ctx, el) {
  const p = ctx.project;
  const counts = h('dl', { id: 'status-counts', class: 'counts' });
  const oldest = h('p', { id: 'oldest-claimable' });
  const chartBox = h('div', { id: 'throughput-chart', class: 'chart' });
  const lastMinute = h('p', { id: 'throughput-summary' });
  const types = h('div', { id: 'types' });
  const workers = h('div', { id: 'workers' });
  const refreshed = h('p', { id: 'refreshed', class: 'muted' }, 'Loading…');
  replace(el,
    h('h1', {}, `Overview: ${p.name}`), refreshed,
    h('section', { 'aria-labelledby': 'h-status' }, h('h2', { id: 'h-status' }, 'Tasks by status'), counts, oldest),
    h('section', { 'aria-labelledby': 'h-throughput' },
      h('h2', { id: 'h-throughput' }, 'Throughput per minute, last hour'), chartBox, lastMinute),
    h('section', { 'aria-labelledby': 'h-types' }, h('h2', { id: 'h-types' }, 'Tasks by type'), types),
    h('section', { 'aria-labelledby': 'h-workers' }, h('h2', { id: 'h-workers' }, 'Workers seen in the last 5 minutes'), workers));

  let chart = null;
  const resize = () => chart && chart.setSize({ width: chartWidth(chartBox), height: 220 });
  window.addEventListener('resize', resize);

  const poller = every(REFRESH_MS, async () => {
    const [stats, seen] = await Promise.all([
      get(`/projects/${p.id}/stats`),
      get(`/projects/${p.id}/workers${query({ active: 'true', limit: 100 })}`),
    ]);
    ctx.clearError();
    replace(counts, h('div', { dataset: { status: 'total' } }, h('dt', {}, 'total'), h('dd', { class: 'count' }, stats.total)),
      STATUSES.map((s) => h('div', { dataset: { status: s } }, h('dt', {}, status(s)), h('dd', { class: 'count' }, stats.by_status[s]))));
    oldest.textContent = `Oldest claimable task waiting: ${seconds(stats.oldest_claimable_age_seconds)}`;
    const data = [stats.throughput.map((m) => Date.parse(m.minute) / 1000), ...SERIES.map((x) => stats.throughput.map((m) => m[x.key]))];
    if (chart) {
      chart.setData(data);
    } else {
      chart = new uPlot({
        width: chartWidth(chartBox),
        height: 220,
        scales: { y: { range: (u, min, max) => [0, Math.max(5, max)] } },
        series: [{}, ...SERIES.map((x) => ({ label: x.label, stroke: x.stroke, width: 2, dash: x.dash }))],
        axes: [{}, { label: 'tasks / min' }],
      }, data, chartBox);
    }
    const minute = (m) => SERIES.map((x) => `${m[x.key]} ${x.label}`).join(', ');
    lastMinute.textContent = `This minute so far: ${minute(stats.throughput[stats.throughput.length - 1])}. `
      + `The minute before: ${minute(stats.throughput[stats.throughput.length - 2])}.`;
    replace(types, stats.by_type.length === 0 ? h('p', {}, 'No tasks yet.') : table(null,
      ['type', ...STATUSES, 'oldest claimable'],
      stats.by_type.map((t) => h('tr', { dataset: { type: t.type ?? '' } },
        h('th', { scope: 'row' }, t.type ?? '(untyped)'),
        STATUSES.map((s) => h('td', { class: 'num' }, t.by_status[s])),
        h('td', {}, seconds(t.oldest_claimable_age_seconds))))));
    replace(workers, seen.items.length === 0 ? h('p', {}, 'No worker seen in the last 5 minutes.') : table(null,
      ['worker', 'last seen', 'leases held', 'completed', 'failed', 'expired', 'success rate'],
      seen.items.map((w) => h('tr', { dataset: { worker: w.worker_id } },
        h('th', { scope: 'row' }, w.worker_id), h('td', {}, ago(w.last_seen_at)), h('td', { class: 'num' }, w.leases_held),
        h('td', { class: 'num' }, w.completed), h('td', { class: 'num' }, w.failed), h('td', { class: 'num' }, w.expired),
        h('td', { class: 'num' }, percent(w.success_rate))))));
    refreshed.textContent = `Refreshed every ${REFRESH_MS / 1000} s while this tab is visible; last at ${new Date().toLocaleTimeString()}.`;
    el.dataset.loaded = String(Date.now());
  }, ctx.showError);

  return () => {
    poller.stop();
    window.removeEventListener('resize', resize);
    if (chart) {
      chart.destroy();
    }
  };
}

function chartWidth(box) {
  return Math.max(320, Math.min(box.clientWidth || 800, 1100));
}
