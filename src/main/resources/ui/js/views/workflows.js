// Workflows: each name's newest version, its schedule's next run and its runs' statistics.
// Loaded on demand (a request per workflow for its statistics), refreshed by the button.
import { get, query } from '../api.js';
import { h, replace, table } from '../dom.js';
import { percent, seconds, time } from '../format.js';

const MAX_VERSIONS = 500;

export function workflows(ctx, el) {
  const p = ctx.project;
  const results = h('div', { id: 'workflow-results' });
  const load = async () => {
    const newest = new Map();
    let after = null;
    let fetched = 0;
    do {
      const page = await get(`/projects/${p.id}/workflows${query({ limit: 100, after })}`);
      for (const w of page.items) {
        if (!newest.has(w.name) || newest.get(w.name).version < w.version) {
          newest.set(w.name, w);
        }
      }
      fetched += page.items.length;
      after = page.next_after;
    } while (after && fetched < MAX_VERSIONS);
    const list = [...newest.values()].sort((a, b) => a.name.localeCompare(b.name));
    const stats = await Promise.all(list.map((w) => get(`/projects/${p.id}/workflows/${encodeURIComponent(w.name)}/stats`)));
    ctx.clearError();
    replace(results, list.length === 0 ? h('p', {}, 'No workflow registered.') : table(null,
      ['workflow', 'version', 'steps', 'schedule', 'next scheduled run', 'running', 'completed', 'failed', 'cancelled',
        'success rate', 'median duration', '95th percentile'],
      list.map((w, i) => {
        const st = stats[i];
        return h('tr', { dataset: { workflow: w.name } },
          h('th', { scope: 'row' }, h('a', { href: `#/p/${p.id}/runs${query({ workflow: w.name })}` }, w.name)),
          h('td', { class: 'num' }, w.version), h('td', { class: 'num' }, w.steps.length),
          h('td', {}, w.schedule ? `${w.schedule.cron} (${w.schedule.timezone})` : 'none'),
          h('td', {}, w.schedule ? time(w.schedule.next_due_at) : '—'),
          ['running', 'completed', 'failed', 'cancelled'].map((k) => h('td', { class: 'num' }, st.runs[k])),
          h('td', { class: 'num' }, percent(st.success_rate)),
          h('td', {}, st.duration_p50_seconds === null ? '—' : seconds(st.duration_p50_seconds)),
          h('td', {}, st.duration_p95_seconds === null ? '—' : seconds(st.duration_p95_seconds)));
      }), { id: 'workflow-table' }));
    el.dataset.loaded = String(Date.now());
  };
  replace(el, h('h1', {}, 'Workflows'),
    h('button', { type: 'button', id: 'refresh-workflows', onclick: () => load().catch(ctx.showError) }, 'Refresh'),
    results);
  load().catch(ctx.showError);
  return null;
}
