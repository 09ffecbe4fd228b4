// The Parley mock playground: connect to a mocked protocol with a token, send its client events
// (prefilled with a believable payload), watch the server events arrive (each checked against
// the spec), and trigger server events through the control API. Plain ES module, no bundler.
import { io } from './socket.io.esm.min.js';

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
};

const state = {
  base: location.origin,
  protocol: undefined, // GET /_mock/protocol
  sockets: new Map(), // namespace → socket
  selected: undefined, // { ns, name }
  generatedToken: '',
};

async function api(path, options = {}) {
  const res = await fetch(`${state.base}${path}`, {
    ...options,
    headers: options.body ? { 'content-type': 'application/json' } : undefined,
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

const pretty = (value) => JSON.stringify(value, null, 2);
const storageKey = () => `parley-mock:${state.protocol?.protocol}`;

function setStatus(text, kind) {
  const s = $('status');
  s.textContent = text;
  s.className = `status ${kind}`;
}

// ---- protocol ------------------------------------------------------------------------------

async function loadMocks() {
  const select = $('protocol');
  let mocks = [];
  try {
    mocks = await api('/_mock/mocks');
  } catch {
    mocks = [];
  }
  select.replaceChildren(...mocks.map((m) => el('option', { value: m.url }, `${m.protocol} (${new URL(m.url).port})`)));
  const own = mocks.find((m) => new URL(m.url).port === location.port) ?? mocks[0];
  if (own) select.value = own.url;
  select.addEventListener('change', async () => {
    disconnect();
    state.base = select.value;
    await loadProtocol();
  });
  if (own) state.base = own.url;
}

async function loadProtocol() {
  state.protocol = await api('/_mock/protocol');
  const p = state.protocol;
  document.title = `Parley mock · ${p.protocol}`;
  $('api-link').href = `${state.base}/_mock`;
  $('state-link').href = `${state.base}/_mock/state`;
  const saved = JSON.parse(localStorage.getItem(storageKey()) ?? '{}');
  $('user').value = saved.user ?? (p.userIdType === 'integer' ? '1' : 'u-ada');
  $('name').value = saved.name ?? '';
  $('role-label').hidden = p.roles.length === 0;
  $('role').replaceChildren(...p.roles.map((r) => el('option', { value: r }, r)));
  if (saved.role) $('role').value = saved.role;
  $('token').value = '';
  state.generatedToken = '';

  const list = $('client-events');
  list.replaceChildren();
  for (const ns of p.namespaces) {
    for (const e of ns.client) {
      const label = p.namespaces.length > 1 ? `${e.name} ${ns.path}` : e.name;
      list.append(el('li', {}, el('button', { 'data-event': e.name, 'data-ns': ns.path, title: e.summary ?? '', onclick: () => selectClientEvent(ns.path, e.name) }, label)));
    }
  }
  const serverSelect = $('server-event');
  serverSelect.replaceChildren(
    ...p.namespaces.flatMap((ns) =>
      ns.server.map((e) => el('option', { value: JSON.stringify({ ns: ns.path, name: e.name, parameters: e.parameters }) }, p.namespaces.length > 1 ? `${e.name} (${ns.path})` : e.name)),
    ),
  );
  state.selected = undefined;
  $('editor').value = '';
  $('editor-event').textContent = '—';
  $('editor-summary').textContent = '';
  await fakeServerPayload();
  const config = await api('/_mock/config');
  $('latency').value = config.latency;
  $('drop').value = config.drop;
  $('chatter').value = config.chatter;
}

// ---- connection ----------------------------------------------------------------------------

function userQuery() {
  const q = new URLSearchParams({ user: $('user').value.trim() });
  if (!$('role-label').hidden) q.set('role', $('role').value);
  if ($('name').value.trim()) q.set('name', $('name').value.trim());
  return q;
}

async function connect() {
  disconnect();
  const user = $('user').value.trim();
  if (!user) return setStatus('a user id is needed', 'error');
  localStorage.setItem(storageKey(), JSON.stringify({ user, name: $('name').value, role: $('role').value }));
  let token = $('token').value.trim();
  if (!token || token === state.generatedToken) {
    token = (await api(`/_mock/token?${userQuery()}`)).token;
    state.generatedToken = token;
    $('token').value = token;
  }
  setStatus('connecting…', 'off');
  const failures = [];
  // In spec order: a namespace may require the previous one (marketplace: /presence before /chat).
  for (const ns of state.protocol.namespaces) {
    const socket = io(`${state.base}${ns.path === '/' ? '' : ns.path}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: false });
    state.sockets.set(ns.path, socket);
    socket.onAny((event, payload) => logIncoming(ns.path, event, payload));
    socket.on('disconnect', (reason) => {
      logNote(ns.path, `disconnected (${reason})`);
      refreshStatus();
    });
    await new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, 3000);
      socket.once('connect', () => {
        logNote(ns.path, `connected as ${user} (socket ${socket.id})`);
        done();
      });
      socket.once('connect_error', (err) => {
        failures.push(`${ns.path}: ${err.data?.message ?? err.message}`);
        logNote(ns.path, `connect_error: ${err.data ? JSON.stringify(err.data) : err.message}`);
        done();
      });
    });
  }
  refreshStatus(failures);
  if (state.selected) await fakeClientPayload();
}

function disconnect() {
  for (const s of state.sockets.values()) s.disconnect();
  state.sockets.clear();
  refreshStatus();
}

function refreshStatus(failures = []) {
  const sockets = [...state.sockets.values()];
  const up = sockets.filter((s) => s.connected).length;
  if (sockets.length === 0) setStatus('disconnected', 'off');
  else if (up === sockets.length) setStatus(`connected (${up} namespace${up > 1 ? 's' : ''})`, 'on');
  else setStatus(failures.length ? `refused: ${failures.join('; ')}` : `${up} of ${sockets.length} namespaces connected`, up ? 'on' : 'error');
  $('connect').disabled = false;
  $('disconnect').disabled = sockets.length === 0;
  $('send-button').disabled = !state.selected || up === 0;
  $('refake').disabled = !state.selected;
  $('emit').disabled = false;
}

// ---- client events -------------------------------------------------------------------------

async function selectClientEvent(ns, name) {
  state.selected = { ns, name };
  for (const b of document.querySelectorAll('#client-events button')) b.classList.toggle('selected', b.dataset.event === name && b.dataset.ns === ns);
  const e = state.protocol.namespaces.find((n) => n.path === ns).client.find((x) => x.name === name);
  $('editor-event').textContent = name;
  $('editor-ns').textContent = state.protocol.namespaces.length > 1 ? ns : '';
  $('editor-summary').textContent = e.summary ?? e.title ?? '';
  await fakeClientPayload();
  refreshStatus();
}

async function fakeClientPayload() {
  if (!state.selected) return;
  const { ns, name } = state.selected;
  const q = userQuery();
  q.set('event', name);
  q.set('namespace', ns);
  q.set('direction', 'client');
  const { payload } = await api(`/_mock/fake?${q}`);
  $('editor').value = pretty(payload);
  await checkEditor();
}

async function checkEditor() {
  const check = $('editor-check');
  if (!state.selected) return undefined;
  let payload;
  try {
    payload = JSON.parse($('editor').value);
  } catch (err) {
    check.textContent = `not JSON: ${err.message}`;
    check.className = 'check bad';
    return undefined;
  }
  const { problems } = await api('/_mock/validate', { method: 'POST', body: { namespace: state.selected.ns, direction: 'client', event: state.selected.name, payload } });
  check.textContent = problems.length ? `✗ ${problems[0].message} (the mock will answer with its error event)` : '✓ valid';
  check.className = `check ${problems.length ? 'bad' : 'ok'}`;
  return payload;
}

async function send() {
  const payload = await checkEditor();
  if (payload === undefined || !state.selected) return;
  const socket = state.sockets.get(state.selected.ns);
  if (!socket?.connected) return setStatus(`not connected to ${state.selected.ns}`, 'error');
  socket.emit(state.selected.name, payload);
  logEntry('out', state.selected.ns, state.selected.name, payload);
}

// ---- log -----------------------------------------------------------------------------------

function logEntry(direction, ns, event, payload, checked) {
  const time = new Date().toTimeString().slice(0, 8);
  const body = el('pre', {}, pretty(payload));
  body.hidden = direction === 'out';
  const badge = el('span', { class: 'badge' }, '…');
  const item = el(
    'li',
    { class: direction, 'data-event': event, 'data-direction': direction },
    el('div', { class: 'head', onclick: () => (body.hidden = !body.hidden) }, el('span', { class: 'time' }, time), el('span', { class: 'dir' }, direction === 'out' ? '↑' : '↓'), el('span', { class: 'name' }, event), state.protocol.namespaces.length > 1 ? el('span', { class: 'ns' }, ns) : '', direction === 'in' ? badge : ''),
    body,
  );
  const log = $('log');
  log.append(item);
  item.scrollIntoView({ block: 'nearest' });
  if (direction === 'in' && checked) {
    checked.then(
      ({ problems }) => {
        badge.textContent = problems.length ? 'invalid' : 'valid';
        badge.className = `badge ${problems.length ? 'invalid' : 'valid'}`;
        item.dataset.valid = String(problems.length === 0);
        if (problems.length) item.append(el('div', { class: 'problems' }, problems.map((p) => p.message).join('; ')));
      },
      () => (badge.textContent = '?'),
    );
  }
  return item;
}

function logIncoming(ns, event, payload) {
  const checked = api('/_mock/validate', { method: 'POST', body: { namespace: ns, direction: 'server', event, payload } });
  logEntry('in', ns, event, payload, checked);
}

function logNote(ns, text) {
  const log = $('log');
  const item = el('li', { class: 'note' }, el('span', { class: 'time' }, new Date().toTimeString().slice(0, 8)), ' ', el('span', { class: 'ns' }, `${ns} ${text}`));
  log.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

// ---- server events -------------------------------------------------------------------------

function selectedServerEvent() {
  return JSON.parse($('server-event').value || 'null');
}

async function fakeServerPayload() {
  const e = selectedServerEvent();
  if (!e) return;
  $('params-label').hidden = e.parameters.length === 0;
  if (e.parameters.length && !$('params').value) $('params').value = $('user').value;
  const q = new URLSearchParams({ event: e.name, namespace: e.ns, direction: 'server' });
  if ($('user').value.trim()) for (const [k, v] of userQuery()) q.set(k, v);
  const { payload } = await api(`/_mock/fake?${q}`);
  $('server-payload').value = pretty(payload);
}

async function emit() {
  const e = selectedServerEvent();
  const result = $('emit-result');
  let payload;
  try {
    payload = JSON.parse($('server-payload').value);
  } catch (err) {
    result.textContent = `not JSON: ${err.message}`;
    result.className = 'check bad';
    return;
  }
  const target = $('target').value;
  const socket = state.sockets.get(e.ns);
  const to =
    target === 'socket' ? (socket?.id ? { socket: socket.id } : 'namespace') : target === 'user' ? { user: $('user').value.trim(), ...(!$('role-label').hidden ? { role: $('role').value } : {}) } : 'namespace';
  const params = e.parameters.length ? Object.fromEntries(e.parameters.map((p) => [p, $('params').value])) : undefined;
  try {
    const r = await api('/_mock/emit', { method: 'POST', body: { namespace: e.ns, event: e.name, payload, to, params } });
    result.textContent = `✓ sent '${r.event}' to ${r.sockets.length} socket(s)`;
    result.className = 'check ok';
  } catch (err) {
    result.textContent = `✗ ${err.message}`;
    result.className = 'check bad';
  }
}

// ---- wiring --------------------------------------------------------------------------------

$('connect').addEventListener('click', () => connect().catch((err) => setStatus(err.message, 'error')));
$('disconnect').addEventListener('click', disconnect);
$('send-button').addEventListener('click', () => send().catch((err) => setStatus(err.message, 'error')));
$('refake').addEventListener('click', () => fakeClientPayload());
$('editor').addEventListener('change', () => checkEditor());
$('server-event').addEventListener('change', () => {
  $('params').value = '';
  fakeServerPayload();
});
$('server-fake').addEventListener('click', () => fakeServerPayload());
$('emit').addEventListener('click', () => emit());
$('clear').addEventListener('click', () => $('log').replaceChildren());
$('apply').addEventListener('click', async () => {
  await api('/_mock/config', { method: 'PUT', body: { latency: Number($('latency').value), drop: Number($('drop').value), chatter: Number($('chatter').value) } });
});
$('reset').addEventListener('click', async () => {
  await api('/_mock/reset', { method: 'POST' });
  logNote('', 'state reset');
});

await loadMocks();
await loadProtocol();
refreshStatus();
document.body.dataset.ready = 'true';
