/*
 * scanopy's page: the inventory, kept current from the event stream. Plain script, no build.
 *
 * DOM contract (browser tests rely on it; keep it stable):
 *   - #containers tbody > tr[data-container-id="<full container id>"]: one row per container
 *   - td.name in that row: the container's name and nothing else (its first name, or the short id)
 *   - tr.stale: a container kept as last seen while its engine is unreachable
 *   - #targets > .target[data-target="<target>"]: one block per target; its state in .state
 *   - #stream: the event stream's state, "live" once it is open
 *
 * Consistency: the event stream is opened first and the inventory loaded once it is open, so no
 * change can fall between the two. Changes that arrive while it loads are applied afterwards,
 * only those newer than the inventory (its Scanopy-Last-Event-Id header). On `reload` (changes
 * were lost) everything starts over. Every string from the daemon goes through textContent.
 */
'use strict';

const HEALTH_POLL_MS = 5000;

const state = {
  source: null,          // the EventSource
  loadedUpTo: null,      // id of the last change the loaded inventory includes; null while loading
  early: [],             // changes received while the inventory loads
  engines: [],           // engines from the last inventory (capabilities, notes, names)
  notes: [],             // inventory-level notes
  containers: new Map(), // container id -> {engineId, container}
  health: null,          // the last /api/health answer
  engineSignature: '',   // engine ids and resync times: when they change, engine data is reloaded
  renderQueued: false,
};

/* ---------- the event stream and the inventory ---------- */

function connect() {
  if (state.source) {
    state.source.close();
  }
  state.loadedUpTo = null;
  state.early = [];
  const source = new EventSource('/api/changes');
  state.source = source;
  let loaded = false;
  source.onopen = () => {
    setBadge('stream', 'live', 'live');
    if (!loaded) {
      loaded = true;
      loadInventory(source);
    }
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // Refused (no key, too many streams) or gone: show what the API says, try again later.
      setBadge('stream', 'disconnected', 'not-ready');
      if (!loaded) {
        loadInventory(source);
      }
      setTimeout(() => { if (state.source === source) connect(); }, HEALTH_POLL_MS);
    } else {
      setBadge('stream', 'reconnecting', 'waiting');
    }
  };
  for (const kind of ['added', 'changed', 'removed']) {
    source.addEventListener(kind, event => onChange(JSON.parse(event.data)));
  }
  source.addEventListener('reload', () => connect());
}

async function loadInventory(source) {
  try {
    const {json, headers} = await fetchJson('/api/inventory');
    if (source !== state.source) {
      return; // a newer connection is loading its own
    }
    const upTo = Number(headers.get('Scanopy-Last-Event-Id') || '0');
    setEngines(json);
    state.containers = new Map();
    for (const engine of json.engines) {
      for (const container of engine.containers) {
        state.containers.set(container.id, {engineId: engine.id, container});
      }
    }
    state.loadedUpTo = upTo;
    state.early.filter(change => change.id > upTo).forEach(apply);
    state.early = [];
    clearProblem();
    scheduleRender();
  } catch (error) {
    showProblem(error.message);
  }
}

/** Engine-level data (capabilities, notes) has no change events: it is reloaded when health says an engine resynced. */
async function reloadEngines() {
  try {
    const {json} = await fetchJson('/api/inventory');
    setEngines(json);
    scheduleRender();
  } catch (error) {
    showProblem(error.message);
  }
}

function setEngines(inventory) {
  state.engines = inventory.engines;
  state.notes = inventory.notes;
  document.getElementById('updated').textContent = 'generated ' + formatTime(inventory.generatedAt);
}

function onChange(change) {
  if (state.loadedUpTo === null) {
    state.early.push(change);
    return;
  }
  apply(change);
  scheduleRender();
}

/** Idempotent: an upsert or a removal by id. Network changes are not shown (attachments are); a Swarm change carries the whole cluster. */
function apply(change) {
  if (change.type === 'swarm') {
    const engine = state.engines.find(e => e.id === change.engineId);
    if (engine) {
      engine.swarm = change.kind === 'removed' ? undefined : change.value;
    }
    return;
  }
  if (change.type !== 'container') {
    return;
  }
  if (change.kind === 'removed') {
    state.containers.delete(change.objectId);
  } else {
    state.containers.set(change.objectId, {engineId: change.engineId, container: change.value});
  }
}

async function pollHealth() {
  try {
    const {json} = await fetchJson('/api/health');
    state.health = json;
    const signature = json.targets.map(t => `${t.engineId}@${t.lastResync}`).join(' ');
    if (state.engineSignature && signature !== state.engineSignature && state.loadedUpTo !== null) {
      reloadEngines();
    }
    state.engineSignature = signature;
    setBadge('ready', json.ready ? 'ready' : 'not ready', json.ready ? 'ready' : 'not-ready');
    scheduleRender();
  } catch (error) {
    setBadge('ready', 'daemon unreachable', 'not-ready');
  }
}

async function fetchJson(path) {
  const response = await fetch(path, {headers: {Accept: 'application/json'}});
  if (response.status === 401) {
    throw new Error('This daemon requires its API key: open the address it printed at start (ending in /?key=…).');
  }
  if (!response.ok) {
    throw new Error(`${path} answered HTTP ${response.status}`);
  }
  return {json: await response.json(), headers: response.headers};
}

/* ---------- rendering ---------- */

function scheduleRender() {
  if (!state.renderQueued) {
    state.renderQueued = true;
    requestAnimationFrame(() => {
      state.renderQueued = false;
      renderTargets();
      renderNotes();
      renderSwarm();
      renderContainers();
    });
  }
}

function renderTargets() {
  const engines = new Map(state.engines.map(engine => [engine.id, engine]));
  const blocks = (state.health ? state.health.targets : []).map(target => {
    const engine = engines.get(target.engineId);
    const block = el('div', {className: 'target', 'data-target': target.target},
      el('h3', {}, target.target + ' ', el('span', {className: `state badge state-${target.state}`}, target.state)),
      el('dl', {},
        ...pair('plugin', target.plugin),
        ...pair('engine', engine ? engineLabel(engine) : target.engineId),
        ...pair('containers', String(target.containers)),
        ...pair('last event', formatTime(target.lastEvent)),
        ...pair('last resync', formatTime(target.lastResync)),
        ...pair('message', target.message)));
    if (engine) {
      block.append(capabilityTable(engine.capabilities.checks));
      if (engine.notes.length) {
        block.append(el('ul', {className: 'engine-notes'}, ...engine.notes.map(noteItem)));
      }
    }
    return block;
  });
  document.getElementById('targets').replaceChildren(...blocks);
}

function capabilityTable(checks) {
  return el('table', {className: 'checks'},
    el('thead', {}, el('tr', {}, ...['endpoint', 'status', 'HTTP', 'denied by', 'fallback', 'remediation'].map(h => el('th', {}, h)))),
    el('tbody', {}, ...checks.map(check => el('tr', {},
      el('td', {}, el('code', {}, check.endpoint)),
      el('td', {className: `status-${check.status}`}, check.status),
      el('td', {}, check.httpStatus == null ? '' : String(check.httpStatus)),
      el('td', {}, check.deniedBy || ''),
      el('td', {}, check.fallback || ''),
      el('td', {}, check.remediation || '')))));
}

function renderNotes() {
  document.getElementById('notes-section').hidden = state.notes.length === 0;
  document.getElementById('notes').replaceChildren(...state.notes.map(noteItem));
}

function noteItem(note) {
  return el('li', {className: `note-${note.level}`}, `${note.level}: ${note.message}` + (note.subject ? ` (${note.subject})` : ''));
}

/** One row per service of each manager's cluster; hidden when no engine manages one (or its services are not allowed). */
function renderSwarm() {
  const rows = [];
  for (const engine of state.engines) {
    const swarm = engine.swarm;
    if (!swarm || !swarm.services) {
      continue;
    }
    for (const s of swarm.services) {
      const running = swarm.tasks ? swarm.tasks.filter(t => t.serviceId === s.id && t.state === 'running').length : null;
      rows.push(el('tr', {'data-service-id': s.id},
        el('td', {title: engine.id}, engine.name || engine.id),
        el('td', {className: 'name', title: s.id}, s.name || s.id),
        el('td', {}, s.mode || ''),
        el('td', {}, running == null ? '' : String(running) + (s.replicas == null ? '' : ` / ${s.replicas}`)),
        el('td', {}, s.stack || ''),
        el('td', {}, s.image || ''),
        el('td', {}, list(s.ports.map(p => `${p.publishedPort == null ? '' : p.publishedPort + '→'}${p.targetPort}/${p.protocol} (${p.publishMode})`)))));
    }
  }
  document.getElementById('swarm-section').hidden = rows.length === 0;
  document.querySelector('#swarm tbody').replaceChildren(...rows);
}

function renderContainers() {
  const engineNames = new Map(state.engines.map(engine => [engine.id, engine.name || engine.id]));
  const filter = document.getElementById('filter').value.trim().toLowerCase();
  const entries = [...state.containers.values()]
    .filter(entry => !filter || searchText(entry.container).includes(filter))
    .sort((a, b) => compare(a.engineId, b.engineId) || compare(displayName(a.container), displayName(b.container)) || compare(a.container.id, b.container.id));
  const rows = entries.map(({engineId, container}) => containerRow(engineNames.get(engineId) || engineId || '', engineId, container));
  document.querySelector('#containers tbody').replaceChildren(...rows);
  document.getElementById('container-count').textContent = filter ? `${entries.length} of ${state.containers.size}` : String(state.containers.size);
}

function containerRow(engineName, engineId, c) {
  const row = el('tr', {'data-container-id': c.id},
    el('td', {title: engineId || ''}, engineName),
    el('td', {className: 'name', title: c.id}, displayName(c)),
    el('td', {}, c.image || ''),
    el('td', {},
      el('span', {className: `state-${c.state}`}, c.state || ''),
      c.status ? el('div', {className: 'muted'}, c.status) : '',
      c.stale ? el('div', {className: 'stale-mark'}, `stale: last seen ${formatTime(c.lastSeen)}`) : ''),
    el('td', {}, list(c.ports.map(portText))),
    el('td', {}, list(c.networks.map(n => n.networkName + (n.ipAddress ? ' ' + n.ipAddress : '')))),
    el('td', {}, c.compose ? `${c.compose.project} / ${c.compose.service}` : ''),
    el('td', {}, list(c.services.map(s => `${s.name} ${s.confidence.toFixed(2)}`))));
  if (c.stale) {
    row.classList.add('stale');
  }
  return row;
}

function portText(port) {
  if (port.publicPort == null) {
    return `${port.privatePort}/${port.protocol}`;
  }
  return `${port.hostIp || ''}:${port.publicPort}→${port.privatePort}/${port.protocol}`;
}

/* ---------- helpers ---------- */

/** Builds an element; strings become text nodes, never markup. */
function el(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'className') {
      element.className = value;
    } else {
      element.setAttribute(name, value);
    }
  }
  for (const child of children) {
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

function list(items) {
  return el('ul', {}, ...items.map(item => el('li', {}, item)));
}

function pair(term, value) {
  return value == null || value === '' ? [] : [el('dt', {}, term), el('dd', {}, value)];
}

function engineLabel(engine) {
  // The product is "Docker" or "Podman" (from /version's components); without it only the version is known.
  const product = engine.version && (engine.product ? `${engine.product} ${engine.version}` : engine.version);
  return [engine.name, product, engine.id].filter(Boolean).join(' · ');
}

function displayName(container) {
  return container.names.length ? container.names[0] : container.id.substring(0, 12);
}

function searchText(c) {
  return [displayName(c), c.image, c.compose && c.compose.project, c.compose && c.compose.service, ...c.services.map(s => s.name)]
    .filter(Boolean).join(' ').toLowerCase();
}

function compare(a, b) {
  return String(a || '').localeCompare(String(b || ''));
}

function formatTime(iso) {
  return iso ? new Date(iso).toLocaleString() : null;
}

function setBadge(id, text, kind) {
  const badge = document.getElementById(id);
  badge.textContent = text;
  badge.className = `badge state-${kind}`;
}

function showProblem(message) {
  const problem = document.getElementById('problem');
  problem.textContent = message;
  problem.hidden = false;
}

function clearProblem() {
  document.getElementById('problem').hidden = true;
}

connect();
pollHealth();
setInterval(pollHealth, HEALTH_POLL_MS);
document.getElementById('filter').addEventListener('input', scheduleRender);
