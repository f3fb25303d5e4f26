// Queues: the project's and each type's paused or running state, with pause and resume for a
// key that may write (behind a confirmation, like every action).
import { get, post } from '../api.js';
import { h, replace, table } from '../dom.js';
import { every } from '../poll.js';
import { confirmAction } from './confirm.js';

export function queues(ctx, el) {
  const p = ctx.project;
  const results = h('div', { id: 'queue-results' });
  replace(el, h('h1', {}, 'Queues'), results);

  const poller = every(10000, async () => {
    const [state, types] = await Promise.all([get(`/projects/${p.id}/queue`), get('/task-types')]);
    ctx.clearError();
    const names = [...new Set(types.items.map((t) => t.name))].sort();
    const row = (label, type, paused) => h('tr', { dataset: { queue: type ?? '*', state: paused ? 'paused' : 'running' } },
      h('th', { scope: 'row' }, label),
      h('td', {}, h('span', { class: `state state-${paused ? 'paused' : 'running'}` }, paused ? 'paused' : 'running')),
      ctx.can('tasks:write') ? h('td', {}, h('button', { type: 'button', class: paused ? '' : 'danger',
        'aria-label': `${paused ? 'Resume' : 'Pause'} ${label}`,
        onclick: async () => {
          if (!(await confirmAction(`${paused ? 'Resume' : 'Pause'} ${label}?`))) {
            return;
          }
          try {
            await post(`/projects/${p.id}/queue:${paused ? 'resume' : 'pause'}`, type ? { type } : {});
            poller.now();
          } catch (e) {
            ctx.showError(e);
          }
        } }, paused ? 'Resume' : 'Pause')) : null);
    replace(results, table(null, ['queue', 'state', ctx.can('tasks:write') ? 'action' : null].filter(Boolean), [
      row('the whole project', null, state.paused),
      names.map((n) => row(`type ${n}`, n, state.paused_types.includes(n))),
    ], { id: 'queue-table' }));
    el.dataset.loaded = String(Date.now());
  }, ctx.showError);
  return () => poller.stop();
}
