// The task browser (filters, full-text search, keyset pages through the API's cursors) and a
// task's page (params, result, error, attempts, its log as a timeline, and the actions the key
// may take, each behind a confirmation).
import { get, patch, post, query } from '../api.js';
import { h, json, replace, status, table } from '../dom.js';
import { time } from '../format.js';
import { every } from '../poll.js';
import { confirmAction } from './confirm.js';

const STATUSES = ['pending', 'claimed', 'blocked', 'completed', 'failed', 'cancelled'];
const FILTERS = [
  ['q', 'Search (full text)', 'search'],
  ['type', 'Type', 'text'],
  ['worker_id', 'Worker', 'text'],
  ['external_id', 'External id', 'text'],
  ['metadata', 'Metadata contains (JSON object)', 'text'],
];
const PAGE = 50;

export function tasks(ctx, el, params) {
  const p = ctx.project;
  const base = `#/p/${p.id}/tasks`;
  const statusSelect = h('select', { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'any'), STATUSES.map((s) => h('option', { value: s }, s)));
  statusSelect.value = params.get('status') || '';
  const inputs = FILTERS.map(([name, label, type]) => {
    const input = h('input', { id: `filter-${name}`, name, type, value: params.get(name) || '' });
    return [name, label, input];
  });
  const form = h('form', { id: 'task-filters', class: 'filters', onsubmit: (event) => {
    event.preventDefault();
    const next = { status: statusSelect.value };
    for (const [name, , input] of inputs) {
      next[name] = input.value.trim();
    }
    ctx.go(base + query(next));
  } },
  h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), statusSelect),
  inputs.map(([name, label, input]) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input)),
  h('div', { class: 'field' }, h('button', { id: 'apply-filters', type: 'submit' }, 'Apply')));
  const results = h('div', { id: 'task-results', 'aria-live': 'polite' });
  replace(el, h('h1', {}, 'Tasks'), form, results);

  const filters = { status: params.get('status'), limit: PAGE };
  for (const [name] of FILTERS) {
    filters[name] = params.get(name);
  }
  const searching = !!filters.q;
  const page = searching ? { cursor: params.get('cursor') } : { after: params.get('after') };
  const kept = {};
  for (const [k, v] of Object.entries(filters)) {
    if (k !== 'limit' && v) {
      kept[k] = v;
    }
  }

  get(`/projects/${p.id}/tasks${query({ ...filters, ...page })}`).then((result) => {
    const rows = result.items.map((t) => h('tr', { dataset: { taskId: t.id, status: t.status } },
      h('td', { class: 'num' }, h('a', { href: `${base}/${t.id}` }, t.id)),
      h('td', {}, t.type ?? '(untyped)'), h('td', {}, status(t.status)), h('td', {}, t.title ?? ''),
      h('td', { class: 'num' }, t.priority), h('td', { class: 'num' }, `${t.attempts}/${t.max_attempts}`),
      h('td', {}, t.worker_id ?? ''), h('td', {}, time(t.created_at))));
    const nextParams = searching ? (result.next ? { cursor: result.next } : null) : (result.next_after ? { after: result.next_after } : null);
    replace(results,
      rows.length === 0 ? h('p', { id: 'no-tasks' }, 'No task matches.')
        : table(searching ? 'Best matches first' : 'By id', ['id', 'type', 'status', 'title', 'priority', 'attempts', 'worker', 'created'], rows, { id: 'task-table' }),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        (page.after || page.cursor) ? h('a', { id: 'first-page', href: base + query(kept) }, 'First page') : null,
        nextParams ? h('a', { id: 'next-page', href: base + query({ ...kept, ...nextParams }) }, 'Next page') : null));
    el.dataset.loaded = String(Date.now());
  }).catch(ctx.showError);
  return null;
}

export function task(ctx, el, id) {
  const p = ctx.project;
  const path = `/projects/${p.id}/tasks/${id}`;
  const heading = h('h1', {}, `Task ${id}`);
  const actions = h('div', { id: 'task-actions', class: 'actions' });
  const fields = h('dl', { id: 'task-fields', class: 'fields' });
  const body = h('div', { id: 'task-body' });
  const attempts = h('div', { id: 'task-attempts' });
  const log = h('div', { id: 'task-log' });
  replace(el, h('p', {}, h('a', { href: `#/p/${p.id}/tasks` }, '← All tasks')), heading, actions, fields, body,
    h('section', { 'aria-labelledby': 'h-attempts' }, h('h2', { id: 'h-attempts' }, 'Attempts'), attempts),
    h('section', { 'aria-labelledby': 'h-log' }, h('h2', { id: 'h-log' }, 'Log'), log));

  let shownStatus = null;
  const poller = every(5000, async () => {
    const [t, tries, entries] = await Promise.all([get(path), get(`${path}/attempts`), get(`${path}/logs`)]);
    ctx.clearError();
    replace(heading, `Task ${t.id} `, status(t.status));
    heading.dataset.status = t.status;
    replace(fields, [
      ['type', t.type ? `${t.type} (version ${t.type_version})` : '(untyped)'], ['title', t.title ?? '—'],
      ['priority', t.priority], ['attempts', `${t.attempts} of ${t.max_attempts}`], ['worker', t.worker_id ?? '—'],
      ['external id', t.external_id ?? '—'], ['metadata', JSON.stringify(t.metadata)], ['run at', time(t.run_at)],
      ['created', time(t.created_at)], ['updated', time(t.updated_at)], ['claimed', time(t.claimed_at)],
      ['finished', time(t.completed_at)],
    ].map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
    replace(body,
      t.description ? h('section', {}, h('h2', {}, 'Description'), h('p', {}, t.description)) : null,
      h('section', { 'aria-labelledby': 'h-params' }, h('h2', { id: 'h-params' }, 'Params'), json(t.params)),
      h('section', { 'aria-labelledby': 'h-result' }, h('h2', { id: 'h-result' }, 'Result'), json(t.result)),
      h('section', { 'aria-labelledby': 'h-error' }, h('h2', { id: 'h-error' }, 'Error'),
        h('p', { id: 'task-error' }, t.error_message ?? 'none')));
    replace(attempts, tries.items.length === 0 ? h('p', {}, 'Not claimed yet.') : table(null,
      ['attempt', 'worker', 'claimed', 'finished', 'duration', 'outcome', 'error'],
      tries.items.map((a) => h('tr', {}, h('td', { class: 'num' }, a.attempt), h('td', {}, a.worker_id ?? ''),
        h('td', {}, time(a.claimed_at)), h('td', {}, time(a.finished_at)),
        h('td', { class: 'num' }, a.duration_ms === null ? '—' : `${a.duration_ms} ms`), h('td', {}, a.outcome),
        h('td', {}, a.error ?? '')))));
    replace(log, h('ol', { class: 'timeline', id: 'timeline' }, entries.items.map((e) => h('li', { dataset: { event: e.event } },
      time(e.created_at), ' ', h('strong', {}, e.event), e.worker_id ? ` by ${e.worker_id}` : '',
      e.message ? h('span', { class: 'message' }, ` — ${e.message}`) : null))));
    if (t.status !== shownStatus) {
      shownStatus = t.status;
      renderActions(t);
    }
    el.dataset.loaded = String(Date.now());
  }, ctx.showError);

  function act(label, question, call) {
    return async () => {
      if (!(await confirmAction(question))) {
        return;
      }
      try {
        await call();
        shownStatus = null;
        poller.now();
      } catch (e) {
        ctx.showError(e);
      }
    };
  }

  // Only what the key may do, and only what the task's status allows (the server refuses the rest anyway).
  function renderActions(t) {
    if (!ctx.can('tasks:write')) {
      replace(actions);
      return;
    }
    const priority = h('input', { id: 'priority', type: 'number', step: '1', value: t.priority });
    replace(actions,
      ['failed', 'cancelled'].includes(t.status)
        ? h('button', { id: 'retry', type: 'button', onclick: act('retry', `Retry task ${t.id}? It goes back to pending with fresh attempts.`,
          () => post(`${path}:retry`)) }, 'Retry') : null,
      ['pending', 'claimed', 'blocked'].includes(t.status)
        ? h('button', { id: 'cancel', type: 'button', class: 'danger', onclick: act('cancel', `Cancel task ${t.id}?`,
          () => post(`${path}:cancel`)) }, 'Cancel task') : null,
      ['pending', 'blocked'].includes(t.status)
        ? h('form', { class: 'inline', onsubmit: (event) => {
          event.preventDefault();
          const value = Number(priority.value);
          if (!Number.isInteger(value)) {
            ctx.showError(new Error('the priority must be a whole number'));
            return;
          }
          act('priority', `Change task ${t.id}'s priority from ${t.priority} to ${value}?`,
            () => patch(path, { priority: value }))();
        } }, h('label', { for: 'priority' }, 'Priority'), priority,
        h('button', { id: 'change-priority', type: 'submit' }, 'Change priority')) : null);
  }

  return () => poller.stop();
}
