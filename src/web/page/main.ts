/**
 * The page of the browser gateway: a lazily expanded tree of a pyrogue
 * server, live values, sets and commands, the SystemLog. Plain DOM, no
 * framework; bundled by esbuild into dist/web/static/app.js.
 *
 * Text from the server only ever goes into textContent, input values and
 * option labels: nothing received is parsed as HTML or run as code.
 */
import { groupRows } from '../layout';
import { WS_PATH, type ClientMessage, type Details, type LogEntry, type Row, type ServerMessage, type Update } from '../protocol';
import { Plots } from './plot';

interface TreeNode {
  /** A group row's `row` is made up: its key as path, the group as name, kind 'device'. */
  row: Row;
  /** A guiGroup row (its members are sent with its device's children and stay loaded while collapsed). */
  group: boolean;
  parent: TreeNode | null;
  depth: number;
  /** Devices: expand the child devices whose `expand` is set when its children arrive (the load of the page). */
  auto: boolean;
  tr: HTMLTableRowElement;
  twisty: HTMLSpanElement | null;
  expanded: boolean;
  /** Lines below (paths and group keys, in order), or null before the first expansion; a group's members. */
  children: string[] | null;
  /** Devices: every node path of the last children message (group members included). */
  loaded: string[];
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
const plots = new Plots(
  $('plots'),
  (path, on) => send({ t: 'plot', path, on }),
  (path, on) => {
    const b = nodes.get(path)?.tr.querySelector('.plot-toggle');
    b?.classList.toggle('on', on);
    b?.setAttribute('aria-pressed', String(on));
  },
);

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

function makeNode(row: Row, parent: TreeNode | null, group = false): TreeNode {
  const depth = parent ? parent.depth + 1 : 0;
  const tr = el('tr', group ? 'grp' : row.kind === 'device' ? 'dev' : row.kind);
  if (group) tr.dataset.group = row.path;
  else tr.dataset.path = row.path;
  if (row.hidden) tr.classList.add('hidden-node');
  // A member of a collapsed group is loaded but not shown.
  if (parent?.group && !parent.expanded) tr.classList.add('in-closed');
  const name = el('td', 'name');
  name.style.paddingLeft = `${8 + depth * 18}px`;
  name.title = row.description ? `${row.path}\n${row.description}` : row.path;
  let twisty: HTMLSpanElement | null = null;
  if (row.kind === 'device') {
    twisty = el('span', 'twisty', row.nChildren > 0 ? '▸' : ' ');
    name.append(twisty, document.createTextNode(row.name));
    if (row.cls) name.append(el('span', 'cls', row.cls));
  } else {
    name.append(el('span', 'twisty', ' '), document.createTextNode(row.name));
  }
  if (row.kind === 'variable') {
    // Plotting only watches (it sets nothing): offered on read-only pages too.
    const on = plots.has(row.path);
    const b = el('button', on ? 'plot-toggle on' : 'plot-toggle', 'plot');
    b.title = 'plot this variable (a time trace; an array as a curve)';
    b.setAttribute('aria-pressed', String(on));
    b.addEventListener('click', () => plots.toggle(row.path));
    name.append(b);
  }
  const valueCell = el('td', 'value');
  const cmdCell = el('td', 'cmd');
  tr.append(name, el('td', 'mode'), el('td', 'type'), valueCell, cmdCell);
  const n: TreeNode = {
    row,
    group,
    parent,
    depth,
    auto: false,
    tr,
    twisty,
    expanded: false,
    children: null,
    loaded: [],
    details: null,
    valueCell,
    cmdCell,
    show: null,
    err: null,
    updated: false,
  };
  if (row.readDevice && !readOnly) {
    // PyDM's Read button: ReadDevice(True), the device and what is below it.
    n.err = el('span', 'err');
    cmdCell.append(
      commandControl(n, `${row.path}.ReadDevice`, 'Read', () => 'True'),
      n.err,
    );
  }
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
  if (n.group) {
    for (const c of members(n)) c.tr.classList.remove('in-closed');
    return;
  }
  send({ t: 'expand', path: n.row.path });
}

/** Removes the rows below a device (they are loaded again, with fresh values, on the next expansion); hides a group's members. */
function collapse(n: TreeNode): void {
  n.expanded = false;
  if (n.twisty) n.twisty.textContent = '▸';
  if (n.group) {
    for (const c of members(n)) {
      if (c.expanded) collapse(c);
      c.tr.classList.add('in-closed');
    }
    return;
  }
  removeChildren(n);
  send({ t: 'collapse', path: n.row.path });
}

function members(n: TreeNode): TreeNode[] {
  return (n.children ?? []).map((p) => nodes.get(p)).filter((c): c is TreeNode => c !== undefined);
}

function removeChildren(n: TreeNode): void {
  for (const p of n.loaded) {
    notYetShown.delete(p);
    lateDetails.delete(p);
  }
  n.loaded = [];
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

/** A line to insert below a device: a node, or a group row (`rows`: its members, which follow it). */
interface Line {
  row: Row;
  group: Row[] | null;
  /** The group a member belongs to (its key), or null. */
  inGroup: string | null;
}

/** The lines below a device: PyDM's order (variables, commands, devices; the gateway sends them so), guiGroups gathered. */
function linesOf(path: string, rows: Row[]): Line[] {
  const lines: Line[] = [];
  for (const e of groupRows(path, rows)) {
    if (e.group === null) {
      lines.push({ row: e.row, group: null, inGroup: null });
      continue;
    }
    const head: Row = {
      path: e.key,
      name: e.group,
      kind: 'device',
      cls: '',
      description: `group ${e.group}: ${e.rows.length} node${e.rows.length === 1 ? '' : 's'}`,
      hidden: e.rows.every((r) => r.hidden),
      nChildren: e.rows.length,
      guiGroup: null,
      expand: false,
      readDevice: false,
    };
    lines.push({ row: head, group: e.rows, inGroup: null });
    for (const r of e.rows) lines.push({ row: r, group: null, inGroup: e.key });
  }
  return lines;
}

function onChildren(path: string, rows: Row[]): void {
  const parent = nodes.get(path);
  if (!parent || !parent.expanded) return;
  removeChildren(parent);
  const lines = linesOf(path, rows);
  const paths = lines.filter((l) => l.inGroup === null).map((l) => l.row.path);
  parent.children = paths;
  parent.loaded = rows.map((r) => r.path);
  for (const p of parent.loaded) notYetShown.add(p);
  // Devices with `expand` open by themselves on the page's load only (as PyDM's), not on a later expansion.
  const auto = parent.auto;
  parent.auto = false;
  let i = 0;
  const step = () => {
    // Collapsed, or expanded again meanwhile: this list is no longer wanted.
    if (parent.children !== paths || nodes.get(path) !== parent) return;
    const at = lastRow(parent);
    const frag = document.createDocumentFragment();
    const end = Math.min(lines.length, i + (i === 0 ? FIRST_ROWS : LATER_ROWS));
    const added: TreeNode[] = [];
    for (; i < end; i++) {
      const line = lines[i];
      const g = line.inGroup === null ? null : nodes.get(line.inGroup);
      const c = makeNode(line.row, g ?? parent, line.group !== null);
      if (line.group !== null) c.children = line.group.map((r) => r.path);
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
    for (const c of added) {
      if (c.row.kind !== 'device') continue;
      const again = wantExpanded.includes(c.row.path);
      const byItself = auto && !c.group && c.parent === parent && c.row.expand && c.row.nChildren > 0;
      if (again || byItself) {
        c.auto = byItself;
        expand(c);
      }
    }
    if (i < lines.length) setTimeout(step, 0);
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
  let arg: HTMLInputElement | null = null;
  if (d.hasArg) {
    arg = el('input', 'arg');
    arg.type = 'text';
    arg.placeholder = 'arg';
    arg.spellcheck = false;
  }
  const control = commandControl(n, n.row.path, 'Exec', () => (arg && arg.value !== '' ? arg.value : null), arg);
  n.cmdCell.append(control, n.err!);
}

/** A button running the command at `path` (with `argOf()`, and Enter in `arg` when given); shows what it returned, or the error on `n`. */
function commandControl(n: TreeNode, path: string, label: string, argOf: () => string | null, arg: HTMLInputElement | null = null): HTMLSpanElement {
  const wrap = el('span', 'writes');
  if (arg) wrap.append(arg, document.createTextNode(' '));
  const button = el('button', undefined, label);
  const ret = el('span', 'ret');
  const run = () => {
    showError(n, '');
    ret.textContent = '';
    button.disabled = true;
    request({ t: 'exec', id: nextId++, path, arg: argOf() }, (ok, text) => {
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
  return wrap;
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
  // While filtering, matches inside a collapsed group are shown too.
  document.body.classList.toggle('filtering', q !== '');
  if (q === '') {
    for (const n of nodes.values()) n.tr.classList.remove('filtered-out');
    return;
  }
  const keep = new Set<string>();
  for (const [p, n] of nodes) {
    if (n.row.name.toLowerCase().includes(q) || (!n.group && p.toLowerCase().includes(q))) {
      // The match and its ancestors (group rows among them) stay visible.
      for (let a: TreeNode | null = n; a; a = a.parent) keep.add(a.row.path);
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
  const root = makeNode(m.root, null);
  root.auto = true;
  rowsEl.append(root.tr);
  expand(root);
  plots.resubscribe();
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
    case 'samples':
      return plots.onSamples(m.s);
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
