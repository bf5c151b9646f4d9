/**
 * The page of the browser gateway: a lazily expanded tree of a pyrogue
 * server, live values, sets and commands, the SystemLog. Plain DOM, no
 * framework; bundled by esbuild into dist/web/static/app.js.
 *
 * Text from the server only ever goes into textContent, input values and
 * option labels: nothing received is parsed as HTML or run as code.
 */
import { WS_PATH, type ClientMessage, type Details, type LogEntry, type Row, type ServerMessage, type Update } from '../protocol';

interface TreeNode {
  row: Row;
  depth: number;
  tr: HTMLTableRowElement;
  twisty: HTMLSpanElement | null;
  expanded: boolean;
  /** Children rows received (paths, in order), or null before the first expansion. */
  children: string[] | null;
  details: Details | null;
  valueCell: HTMLTableCellElement;
  cmdCell: HTMLTableCellElement;
  /** Where the value is shown: a span, an input, a select or a checkbox. */
  show: ((disp: string) => void) | null;
  err: HTMLSpanElement | null;
  /** A publish arrived after the expansion (the details' value is then older). */
  updated: boolean;
}

const $ = (id: string): HTMLElement => document.getElementById(id)!;
const rowsEl = $('rows') as HTMLTableSectionElement;
const connEl = $('conn');
const filterEl = $('filter') as HTMLInputElement;
const showHiddenEl = $('showHidden') as HTMLInputElement;
const logEl = $('log');

const nodes = new Map<string, TreeNode>();
const pendingUpdates = new Map<string, Update>();
/** Rows received but not inserted yet (a long list goes in over several tasks), and details that came for them. */
const notYetShown = new Set<string>();
const lateDetails = new Map<string, Details>();
/** The last value painted per path (for a row whose details come after an update). */
const currentDisp = new Map<string, string>();
const pendingResults = new Map<number, (ok: boolean, text: string) => void>();
let readOnly = false;
let ws: WebSocket | null = null;
let nextId = 1;
let retryMs = 500;
let frame = 0;
/** Paths to expand again after a reconnect. */
let wantExpanded: string[] = [];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function send(m: ClientMessage): void {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
}

function setConn(state: 'ok' | 'connecting' | 'down', text: string): void {
  connEl.className = `conn ${state}`;
  connEl.textContent = text;
}

// --- rows ---------------------------------------------------------------------------

function makeNode(row: Row, depth: number): TreeNode {
  const tr = el('tr', row.kind === 'device' ? 'dev' : row.kind);
  tr.dataset.path = row.path;
  if (row.hidden) tr.classList.add('hidden-node');
  const name = el('td', 'name');
  name.style.paddingLeft = `${8 + depth * 18}px`;
  name.title = row.description ? `${row.path}\n${row.description}` : row.path;
  let twisty: HTMLSpanElement | null = null;
  if (row.kind === 'device') {
    twisty = el('span', 'twisty', row.nChildren > 0 ? '▸' : ' ');
    name.append(twisty, document.createTextNode(row.name), el('span', 'cls', row.cls));
  } else {
    name.append(el('span', 'twisty', ' '), document.createTextNode(row.name));
  }
  const valueCell = el('td', 'value');
  const cmdCell = el('td', 'cmd');
  tr.append(name, el('td', 'mode'), el('td', 'type'), valueCell, cmdCell);
  const n: TreeNode = { row, depth, tr, twisty, expanded: false, children: null, details: null, valueCell, cmdCell, show: null, err: null, updated: false };
  if (twisty && row.nChildren > 0) {
    const toggle = () => (n.expanded ? collapse(n) : expand(n));
    twisty.addEventListener('click', toggle);
    name.addEventListener('dblclick', toggle);
  }
  nodes.set(row.path, n);
  return n;
}

function expand(n: TreeNode): void {
  if (n.expanded) return;
  n.expanded = true;
  if (n.twisty) n.twisty.textContent = '▾';
  send({ t: 'expand', path: n.row.path });
}

/** Removes the rows below a node (they are loaded again, with fresh values, on the next expansion). */
function collapse(n: TreeNode): void {
  n.expanded = false;
  if (n.twisty) n.twisty.textContent = '▸';
  removeChildren(n);
  send({ t: 'collapse', path: n.row.path });
}

function removeChildren(n: TreeNode): void {
  for (const p of n.children ?? []) {
    notYetShown.delete(p);
    lateDetails.delete(p);
    const c = nodes.get(p);
    if (!c) continue;
    removeChildren(c);
    c.tr.remove();
    nodes.delete(p);
    currentDisp.delete(p);
  }
  n.children = null;
}

/** Rows shown at once when a device's children arrive; the rest follow in later tasks of LATER_ROWS, so input and paint never wait on a long list. */
const FIRST_ROWS = 200;
const LATER_ROWS = 1000;

/** The last table row of a node's shown subtree (rows inserted after it stay in tree order). */
function lastRow(n: TreeNode): HTMLTableRowElement {
  let cur = n;
  for (;;) {
    const kids = cur.children;
    let last: TreeNode | undefined;
    for (let i = (kids?.length ?? 0) - 1; i >= 0 && !last; i--) last = nodes.get(kids![i]);
    if (!last) return cur.tr;
    cur = last;
  }
}

function onChildren(path: string, rows: Row[]): void {
  const parent = nodes.get(path);
  if (!parent || !parent.expanded) return;
  removeChildren(parent);
  const paths = rows.map((r) => r.path);
  parent.children = paths;
  for (const p of paths) notYetShown.add(p);
  let i = 0;
  const step = () => {
    // Collapsed, or expanded again meanwhile: this list is no longer wanted.
    if (parent.children !== paths || nodes.get(path) !== parent) return;
    const at = lastRow(parent);
    const frag = document.createDocumentFragment();
    const end = Math.min(rows.length, i + (i === 0 ? FIRST_ROWS : LATER_ROWS));
    const added: TreeNode[] = [];
    for (; i < end; i++) {
      const c = makeNode(rows[i], parent.depth + 1);
      notYetShown.delete(c.row.path);
      frag.append(c.tr);
      added.push(c);
    }
    at.after(frag);
    for (const c of added) {
      const d = lateDetails.get(c.row.path);
      lateDetails.delete(c.row.path);
      if (d) onDetails(d);
    }
    applyFilter();
    if (pendingUpdates.size > 0 && frame === 0) frame = requestAnimationFrame(paint);
    for (const c of added) if (c.row.kind === 'device' && wantExpanded.includes(c.row.path)) expand(c);
    if (i < rows.length) setTimeout(step, 0);
  };
  step();
}

function onDetails(d: Details): void {
  const n = nodes.get(d.path);
  if (!n) {
    if (notYetShown.has(d.path)) lateDetails.set(d.path, d);
    return;
  }
  n.details = d;
  const [, mode, type] = n.tr.cells;
  mode.textContent = d.mode;
  type.textContent = d.typeStr;
  n.valueCell.replaceChildren();
  n.cmdCell.replaceChildren();
  n.err = el('span', 'err');
  if (n.row.kind === 'variable') buildValue(n, d);
  else buildCommand(n, d);
  if (d.error) showError(n, d.error);
  setSeverity(n, d.severity);
}

function setSeverity(n: TreeNode, severity: string): void {
  n.tr.classList.toggle('sev-minor', severity === 'AlarmMinor');
  n.tr.classList.toggle('sev-major', severity === 'AlarmMajor');
}

function showError(n: TreeNode, text: string): void {
  if (!n.err) return;
  n.err.textContent = text;
  n.err.title = text;
}

/** Sends a request that answers with a `result`; `done(ok, text)` then. */
function request(m: ClientMessage & { id: number }, done: (ok: boolean, text: string) => void): void {
  pendingResults.set(m.id, done);
  send(m);
}

function setValue(n: TreeNode, value: string): void {
  showError(n, '');
  request({ t: 'set', id: nextId++, path: n.row.path, value }, (ok, text) => showError(n, ok ? '' : text));
}

function buildValue(n: TreeNode, d: Details): void {
  const writable = !readOnly && d.mode !== 'RO';
  const cell = n.valueCell;
  if (writable && d.typeStr === 'bool') {
    const box = el('input', 'writes');
    box.type = 'checkbox';
    box.addEventListener('change', () => setValue(n, box.checked ? 'True' : 'False'));
    const label = el('span', 'disp');
    n.show = (disp) => {
      box.checked = disp === 'True';
      label.textContent = ` ${disp}`;
    };
    cell.append(box, label);
  } else if (writable && d.choices) {
    const sel = el('select', 'writes');
    for (const c of d.choices) sel.append(el('option', undefined, c));
    sel.addEventListener('change', () => setValue(n, sel.value));
    n.show = (disp) => {
      if (document.activeElement === sel) return;
      if (!d.choices!.includes(disp)) sel.append(el('option', undefined, disp));
      sel.value = disp;
    };
    cell.append(sel);
  } else if (writable) {
    const input = el('input', 'writes');
    input.type = 'text';
    input.spellcheck = false;
    let shown = '';
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') setValue(n, input.value);
      else if (e.key === 'Escape') {
        input.value = shown;
        input.blur();
      }
    });
    input.addEventListener('blur', () => {
      if (input.value !== shown && !n.err?.textContent) input.value = shown;
    });
    n.show = (disp) => {
      shown = disp;
      // Never overwrite what the user is typing.
      if (document.activeElement !== input) input.value = disp;
    };
    cell.append(input);
  } else {
    const span = el('span', 'disp');
    n.show = (disp) => (span.textContent = disp);
    cell.append(span);
  }
  if (d.units) cell.append(el('span', 'units', d.units));
  cell.append(n.err!);
  n.show(n.updated ? (currentDisp.get(n.row.path) ?? d.disp) : d.disp);
}

function buildCommand(n: TreeNode, d: Details): void {
  if (readOnly) {
    n.cmdCell.append(n.err!);
    return;
  }
  const wrap = el('span', 'writes');
  let arg: HTMLInputElement | null = null;
  if (d.hasArg) {
    arg = el('input', 'arg');
    arg.type = 'text';
    arg.placeholder = 'arg';
    arg.spellcheck = false;
    wrap.append(arg, document.createTextNode(' '));
  }
  const button = el('button', undefined, 'Exec');
  const ret = el('span', 'ret');
  const run = () => {
    showError(n, '');
    ret.textContent = '';
    const a = arg && arg.value !== '' ? arg.value : null;
    button.disabled = true;
    request({ t: 'exec', id: nextId++, path: n.row.path, arg: a }, (ok, text) => {
      button.disabled = false;
      if (ok) ret.textContent = text === '' ? '✓' : `→ ${text}`;
      else showError(n, text);
    });
  };
  button.addEventListener('click', run);
  arg?.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') run();
  });
  wrap.append(button, ret);
  n.cmdCell.append(wrap, n.err!);
}

// --- updates, painted once per animation frame ------------------------------------

function onUpdates(u: Update[]): void {
  for (const x of u) pendingUpdates.set(x[0], x);
  if (frame === 0) frame = requestAnimationFrame(paint);
}

function paint(): void {
  frame = 0;
  for (const [path, [, disp, severity]] of pendingUpdates) {
    const n = nodes.get(path);
    if (!n) {
      // A row still to be inserted keeps its update for the frame after.
      if (!notYetShown.has(path)) pendingUpdates.delete(path);
      continue;
    }
    pendingUpdates.delete(path);
    n.updated = true;
    currentDisp.set(path, disp);
    if (n.show) n.show(disp);
    setSeverity(n, severity);
  }
}

// --- filter -------------------------------------------------------------------------

function applyFilter(): void {
  const q = filterEl.value.trim().toLowerCase();
  if (q === '') {
    for (const n of nodes.values()) n.tr.classList.remove('filtered-out');
    return;
  }
  const keep = new Set<string>();
  for (const [p, n] of nodes) {
    if (n.row.name.toLowerCase().includes(q) || p.toLowerCase().includes(q)) {
      // The match and its ancestors stay visible.
      for (let a = p; a !== ''; a = a.includes('.') ? a.slice(0, a.lastIndexOf('.')) : '') keep.add(a);
    }
  }
  for (const [p, n] of nodes) n.tr.classList.toggle('filtered-out', !keep.has(p));
}

// --- log ----------------------------------------------------------------------------

function fmtTime(t: number): string {
  if (!t) return '';
  const d = new Date(t * 1000);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function onLog(entries: LogEntry[]): void {
  const frag = document.createDocumentFragment();
  for (const e of entries) {
    const div = el('div', `log-entry ${e.level.replace(/[^A-Z]/g, '')}`);
    div.append(el('span', 'log-time', fmtTime(e.time)), el('span', 'lvl', e.level), document.createTextNode(`${e.name ? e.name + ': ' : ''}${e.message}`));
    frag.append(div);
  }
  logEl.replaceChildren(frag);
  $('logCount').textContent = entries.length ? `(${entries.length})` : '';
  logEl.scrollTop = logEl.scrollHeight;
}

// --- connection ---------------------------------------------------------------------

function onHello(m: Extract<ServerMessage, { t: 'hello' }>): void {
  readOnly = m.readOnly;
  document.body.classList.toggle('read-only', readOnly);
  $('ro').hidden = !readOnly;
  $('server').textContent = m.server;
  $('title').textContent = m.root.name;
  document.title = `${m.root.name} — pyrogue`;
  setConn(m.linked ? 'ok' : 'down', m.linked ? 'connected' : 'server not answering');
  // A fresh tree: the root, expanded, then what was open before a reconnect.
  const open = [...nodes.values()].filter((n) => n.expanded).map((n) => n.row.path);
  if (open.length > 0) wantExpanded = open;
  rowsEl.replaceChildren();
  nodes.clear();
  notYetShown.clear();
  lateDetails.clear();
  pendingUpdates.clear();
  currentDisp.clear();
  const root = makeNode(m.root, 0);
  rowsEl.append(root.tr);
  expand(root);
}

function onMessage(m: ServerMessage): void {
  switch (m.t) {
    case 'hello':
      return onHello(m);
    case 'link':
      return setConn(m.up ? 'ok' : 'down', m.text);
    case 'children':
      return onChildren(m.path, m.rows);
    case 'details':
      for (const d of m.details) onDetails(d);
      return;
    case 'updates':
      return onUpdates(m.u);
    case 'result': {
      const f = pendingResults.get(m.id);
      pendingResults.delete(m.id);
      f?.(m.ok, m.text);
      return;
    }
    case 'log':
      return onLog(m.entries);
    case 'error':
      console.warn(`gateway: ${m.text}`);
      return;
  }
}

function connect(): void {
  const token = new URLSearchParams(location.search).get('token');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  setConn('connecting', 'connecting…');
  const s = new WebSocket(url);
  ws = s;
  s.onopen = () => {
    retryMs = 500;
  };
  s.onmessage = (ev: MessageEvent<string>) => {
    let m: unknown;
    try {
      m = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string') onMessage(m as ServerMessage);
  };
  s.onclose = () => {
    if (ws !== s) return;
    ws = null;
    for (const f of pendingResults.values()) f(false, 'connection to the gateway lost');
    pendingResults.clear();
    setConn('down', `gateway unreachable, retrying in ${Math.round(retryMs / 1000)} s`);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  };
}

filterEl.addEventListener('input', applyFilter);
showHiddenEl.addEventListener('change', () => document.body.classList.toggle('show-hidden', showHiddenEl.checked));
connect();
