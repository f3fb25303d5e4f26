// Workflow runs: a keyset list, and a run drawn as the graph of its tasks (laid out by dagre),
// each node coloured by its status and labelled with it, redrawn while the run goes on.
import { get, query } from '../api.js';
import { h, replace, s, status, table } from '../dom.js';
import { time } from '../format.js';
import { every } from '../poll.js';

const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled'];
const NODE_WIDTH = 180;
const NODE_HEIGHT = 58;

export function runs(ctx, el, params) {
  const p = ctx.project;
  const base = `#/p/${p.id}/runs`;
  const workflow = h('input', { id: 'filter-workflow', name: 'workflow', value: params.get('workflow') || '' });
  const runStatus = h('select', { id: 'filter-run-status', name: 'status' },
    h('option', { value: '' }, 'any'), RUN_STATUSES.map((x) => h('option', { value: x }, x)));
  runStatus.value = params.get('status') || '';
  const results = h('div', { id: 'run-results' });
  replace(el, h('h1', {}, 'Workflow runs'),
    h('form', { class: 'filters', onsubmit: (event) => {
      event.preventDefault();
      ctx.go(base + query({ workflow: workflow.value.trim(), status: runStatus.value }));
    } },
    h('div', { class: 'field' }, h('label', { for: 'filter-workflow' }, 'Workflow'), workflow),
    h('div', { class: 'field' }, h('label', { for: 'filter-run-status' }, 'Status'), runStatus),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Apply'))),
    results);
  const kept = { workflow: params.get('workflow'), status: params.get('status') };
  get(`/projects/${p.id}/workflow-runs${query({ ...kept, after: params.get('after'), limit: 50 })}`).then((page) => {
    replace(results,
      page.items.length === 0 ? h('p', {}, 'No run.') : table('Oldest first', ['run', 'workflow', 'status', 'tasks', 'created', 'finished'],
        page.items.map((r) => h('tr', { dataset: { runId: r.run_id } },
          h('td', {}, h('a', { href: `${base}/${encodeURIComponent(r.run_id)}` }, r.run_id)),
          h('td', {}, `${r.workflow} v${r.version}`), h('td', {}, status(r.status)), h('td', {}, countsText(r.counts)),
          h('td', {}, time(r.created_at)), h('td', {}, time(r.finished_at)))), { id: 'run-table' }),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        params.get('after') ? h('a', { href: base + query(kept) }, 'First page') : null,
        page.next_after ? h('a', { id: 'next-page', href: base + query({ ...kept, after: page.next_after }) }, 'Next page') : null));
  }).catch(ctx.showError);
  return null;
}

export function run(ctx, el, runId) {
  const p = ctx.project;
  const heading = h('h1', {}, `Run ${runId}`);
  const summary = h('p', { id: 'run-summary' });
  const graph = h('div', { id: 'run-graph', class: 'graph' });
  const list = h('div', { id: 'run-tasks' });
  replace(el, h('p', {}, h('a', { href: `#/p/${p.id}/runs` }, '← All runs')), heading, summary,
    h('section', { 'aria-labelledby': 'h-graph' }, h('h2', { id: 'h-graph' }, 'Tasks as a graph'), graph),
    h('section', { 'aria-labelledby': 'h-run-tasks' }, h('h2', { id: 'h-run-tasks' }, 'Tasks'), list));

  // Every 2 s while the run goes on; once it has finished it no longer changes.
  const poller = every(2000, async () => {
    const r = await get(`/projects/${p.id}/workflow-runs/${encodeURIComponent(runId)}`);
    ctx.clearError();
    replace(heading, `Run ${r.run_id} `, status(r.status));
    heading.dataset.status = r.status;
    replace(summary, `${r.workflow} version ${r.version}; tasks: ${countsText(r.counts)}; started `, time(r.started_at),
      '; finished ', time(r.finished_at));
    replace(graph, draw(p, r));
    replace(list, table(null, ['step', 'task', 'status', 'depends on'], r.tasks.map((t) => h('tr', {},
      h('td', {}, t.step ?? ''), h('td', {}, h('a', { href: `#/p/${p.id}/tasks/${t.task.id}` }, t.task.id)),
      h('td', {}, status(t.task.status)), h('td', {}, t.depends_on.map((d) => `${d.step} (${d.link_type})`).join(', '))))));
    el.dataset.loaded = String(Date.now());
    return r.status === 'running';
  }, ctx.showError);
  return () => poller.stop();
}

function countsText(counts) {
  return Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}

/** The run's tasks laid out left to right by dagre, drawn as SVG: nodes are links to the tasks. */
function draw(p, r) {
  const g = new window.dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const name = (t) => t.step ?? `task ${t.task.id}`;
  for (const t of r.tasks) {
    g.setNode(name(t), { width: NODE_WIDTH, height: NODE_HEIGHT, task: t });
  }
  for (const t of r.tasks) {
    for (const d of t.depends_on) {
      if (g.hasNode(d.step)) {
        g.setEdge(d.step, name(t), { linkType: d.link_type });
      }
    }
  }
  window.dagre.layout(g);
  const size = g.graph();
  const edges = g.edges().map((e) => {
    const points = g.edge(e).points;
    return s('path', { class: `edge edge-${g.edge(e).linkType}`, 'marker-end': 'url(#arrow)',
      d: points.map((pt, i) => `${i === 0 ? 'M' : 'L'}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join(' ') });
  });
  const nodes = g.nodes().map((key) => {
    const n = g.node(key);
    const t = n.task.task;
    const x = n.x - NODE_WIDTH / 2;
    const y = n.y - NODE_HEIGHT / 2;
    return s('a', { href: `#/p/${p.id}/tasks/${t.id}`, class: `node status-${t.status}`,
      dataset: { step: key, status: t.status }, 'aria-label': `${key}: ${t.status} (task ${t.id})` },
    s('rect', { x, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6 }),
    s('text', { x: n.x, y: n.y - 6, class: 'step' }, truncate(key, 22)),
    s('text', { x: n.x, y: n.y + 14, class: 'state' }, t.status));
  });
  return s('svg', { width: Math.ceil(size.width), height: Math.ceil(size.height), role: 'group',
    viewBox: `0 0 ${Math.ceil(size.width)} ${Math.ceil(size.height)}`, 'aria-label': `Tasks of run ${r.run_id}` },
  s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto' },
    s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))),
  edges, nodes);
}

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
