// The dashboard's shell: sign-in, the project picker, the navigation and the hash routes
// (#/p/<project>/<view>...). Only the view's state is in the URL, never the key.
import { get, session, onUnauthorized, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { overview } from './views/overview.js';
import { tasks, task } from './views/tasks.js';
import { runs, run } from './views/runs.js';
import { workflows } from './views/workflows.js';
import { queues } from './views/queues.js';

const main = document.getElementById('main');
const errorBox = document.getElementById('error');
const nav = document.getElementById('nav');
const picker = document.getElementById('project-picker');
const projectSelect = document.getElementById('project');
const who = document.getElementById('who');
const signOutButton = document.getElementById('sign-out');

// CSP violations are counted where a test can read them (the policy allows no inline code).
document.documentElement.dataset.cspViolations = '0';
document.addEventListener('securitypolicyviolation', () => {
  document.documentElement.dataset.cspViolations = String(Number(document.documentElement.dataset.cspViolations) + 1);
});

const ctx = {
  key: null,        // the signed-in key as GET /api-key answers it
  projects: [],
  project: null,
  can(permission) {
    return !!this.key && (this.key.permissions.includes('admin') || this.key.permissions.includes(permission));
  },
  showError,
  clearError,
  go(hash) {
    location.hash = hash;
  },
};

let current = null; // the mounted view's cleanup

function showError(e) {
  if (e instanceof ApiError && e.status === 401) {
    return;
  }
  errorBox.textContent = e instanceof ApiError ? `${e.status}: ${e.message}` : `Error: ${e.message || e}`;
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

function unmount() {
  if (current) {
    current();
    current = null;
  }
}

function signOut(message) {
  unmount();
  session.signOut();
  ctx.key = null;
  ctx.projects = [];
  ctx.project = null;
  nav.hidden = true;
  picker.hidden = true;
  signOutButton.hidden = true;
  who.textContent = '';
  clearError();
  signInForm(message);
}

onUnauthorized(() => signOut('The server refused the key (unknown or revoked). Sign in again.'));
signOutButton.addEventListener('click', () => {
  signOut('Signed out.');
  history.replaceState(null, '', location.pathname);
});

function signInForm(message) {
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  const form = h('form', { id: 'sign-in-form', class: 'sign-in', onsubmit: async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    input.value = '';
    if (!key) {
      return;
    }
    session.signIn(key);
    try {
      await start();
    } catch (e) {
      session.signOut();
      signInForm(e instanceof ApiError && e.status === 401 ? 'That key is unknown or revoked.' : `Sign-in failed: ${e.message}`);
    }
  } },
  h('h1', {}, 'Sign in'),
  h('p', {}, 'Sign in with a taskq API key. It is kept in this tab only (session storage) and sent to taskq with each request.'),
  h('label', { for: 'api-key' }, 'API key'),
  input,
  h('button', { id: 'sign-in', type: 'submit' }, 'Sign in'),
  message ? h('p', { id: 'sign-in-message', role: 'status' }, message) : null);
  replace(main, form);
  input.focus();
}

async function start() {
  ctx.key = await get('/api-key');
  const page = await get('/projects');
  ctx.projects = page.items;
  clearError();
  who.textContent = `${ctx.key.name} (${ctx.key.permissions.join(', ')}${ctx.key.project_id ? `; project ${ctx.key.project_id} only` : ''})`;
  signOutButton.hidden = false;
  replace(projectSelect, ctx.projects.map((p) => h('option', { value: p.id }, `${p.name} (#${p.id})`)));
  picker.hidden = ctx.projects.length === 0;
  nav.hidden = ctx.projects.length === 0;
  route();
}

projectSelect.addEventListener('change', () => ctx.go(`#/p/${projectSelect.value}/overview`));

function parseHash() {
  const [path, q] = location.hash.replace(/^#/, '').split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q || '') };
}

// Each view draws into its container and answers its cleanup (stopping its polling).
const VIEWS = {
  overview: (c, el) => overview(c, el),
  tasks: (c, el, rest, params) => (rest.length ? task(c, el, Number(rest[0])) : tasks(c, el, params)),
  runs: (c, el, rest, params) => (rest.length ? run(c, el, rest[0]) : runs(c, el, params)),
  workflows: (c, el) => workflows(c, el),
  queues: (c, el) => queues(c, el),
};

function route() {
  if (!ctx.key) {
    return;
  }
  unmount();
  clearError();
  if (ctx.projects.length === 0) {
    replace(main, h('h1', {}, 'No projects'), h('p', {}, 'This key reaches no project yet.'));
    return;
  }
  const { parts, params } = parseHash();
  const project = ctx.projects.find((p) => parts[0] === 'p' && String(p.id) === parts[1]);
  const view = VIEWS[parts[2]];
  if (!project || !view) {
    ctx.go(`#/p/${(project || ctx.projects[0]).id}/overview`);
    return;
  }
  ctx.project = project;
  projectSelect.value = String(project.id);
  for (const link of nav.querySelectorAll('a')) {
    link.href = `#/p/${project.id}/${link.dataset.view}`;
    if (link.dataset.view === parts[2]) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  const container = h('div', { class: 'view', id: `view-${parts[2]}` });
  replace(main, container);
  current = view(ctx, container, parts.slice(3), params) || null;
}

window.addEventListener('hashchange', route);

if (session.key()) {
  start().catch((e) => signOut(e instanceof ApiError && e.status === 401 ? 'That key is unknown or revoked.' : `Could not load: ${e.message}`));
} else {
  signInForm();
}
