/**
 * The JSON protocol between the browser gateway (src/web/gateway.ts) and its
 * page (src/web/page/): one WebSocket, one JSON object per message, `t` naming
 * the kind. Shared by both sides (no Node or DOM imports here).
 *
 * Values travel as the server's display strings (`valueDisp`) and go back as
 * text for the server to parse (`setDisp`, a command's `parseDisp`), the way
 * pyrogue's GUI does: the page never evaluates anything it receives.
 *
 *   page → gateway                              gateway → page
 *   { t:'expand', path }                        { t:'hello', root, server, readOnly, version }
 *   { t:'collapse', path }                      { t:'link', up, text }
 *   { t:'set', id, path, value }                { t:'children', path, rows }        (names, kinds: at once)
 *   { t:'exec', id, path, arg }   (arg: null    { t:'details', details }            (mode, type, value...: then)
 *                                  = no arg)    { t:'updates', u: [[path, disp, severity], ...] }
 *   { t:'plot', path, on }                      { t:'samples', s: [[path, time, number | number[] | null], ...] }
 *                                               { t:'result', id, ok, text }
 *                                               { t:'log', entries, replace }
 *                                               { t:'error', text }
 */

export const PROTOCOL_VERSION = 2;
/** Variables one page may plot at once. */
export const MAX_PLOTS = 16;
/** Elements of an array value sent for its curve (the rest are left out). */
export const MAX_CURVE = 65536;
/** The WebSocket's path on the gateway. */
export const WS_PATH = '/ws';
/** Longest text accepted from a page (a set value, a command argument, a path). */
export const MAX_TEXT = 65536;
/** Longest message accepted from a page, in bytes. */
export const MAX_MESSAGE = 256 * 1024;

export type NodeKind = 'device' | 'variable' | 'command';

/** A node as the tree shows it before its details are known: everything the node reduce carries. */
export interface Row {
  path: string;
  name: string;
  kind: NodeKind;
  /** The remote class name ('LocalVariable', 'AxiVersion'). */
  cls: string;
  description: string;
  /** In pyrogue's Hidden group (the page hides these unless asked). */
  hidden: boolean;
  /** Number of served children (devices: what an expansion will load). */
  nChildren: number;
  /** The node's guiGroup: the page shows it under a collapsible row of that name in its parent. */
  guiGroup: string | null;
  /** Devices: shown expanded when the page loads (pyrogue's `expand`). */
  expand: boolean;
  /** Devices: has a ReadDevice command (the row's Read button). */
  readDevice: boolean;
}

/** What the page needs to show and edit a variable or a command (one request each, after the rows). */
export interface Details {
  path: string;
  /** 'RW', 'RO', 'WO'. */
  mode: string;
  /** Python type of the value ('int', 'float', 'bool', 'UInt32'...), '' when unknown. */
  typeStr: string;
  units: string;
  /** Display value ('' for commands). */
  disp: string;
  /** Display choices of an enum (drop-down), or null. */
  choices: string[] | null;
  /** Alarm severity: 'None', 'Good', 'AlarmMinor', 'AlarmMajor'. */
  severity: string;
  /** Commands: whether it takes an argument. */
  hasArg: boolean;
  /** Why some of the above could not be read (shown on the row). */
  error: string | null;
}

/** One published value: [path, valueDisp, severity]. */
export type Update = [string, string, string];

/**
 * One published value of a plotted variable: [path, seconds since the epoch when the gateway
 * received it, the value as a number, an array's elements, or null when it is not numeric].
 */
export type Sample = [string, number, number | number[] | null];

export interface LogEntry {
  /** Seconds since the epoch (0 when unknown). */
  time: number;
  level: string;
  name: string;
  message: string;
}

export type ClientMessage =
  | { t: 'expand'; path: string }
  | { t: 'collapse'; path: string }
  | { t: 'set'; id: number; path: string; value: string }
  | { t: 'exec'; id: number; path: string; arg: string | null }
  | { t: 'plot'; path: string; on: boolean };

export type ServerMessage =
  | { t: 'hello'; version: number; root: Row; server: string; readOnly: boolean; linked: boolean }
  | { t: 'link'; up: boolean; text: string }
  | { t: 'children'; path: string; rows: Row[] }
  | { t: 'details'; details: Details[] }
  | { t: 'updates'; u: Update[] }
  | { t: 'samples'; s: Sample[] }
  | { t: 'result'; id: number; ok: boolean; text: string }
  | { t: 'log'; entries: LogEntry[]; replace: boolean }
  | { t: 'error'; text: string };

function text(o: Record<string, unknown>, k: string): string | null {
  const v = o[k];
  return typeof v === 'string' && v.length <= MAX_TEXT ? v : null;
}

/**
 * A page's message, checked field by field (anything else, extra fields
 * aside, is refused with the reason): the gateway acts on nothing else.
 */
export function parseClientMessage(raw: string): { ok: true; msg: ClientMessage } | { ok: false; error: string } {
  if (raw.length > MAX_MESSAGE) return { ok: false, error: 'message too long' };
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { ok: false, error: 'not a JSON object' };
  const m = o as Record<string, unknown>;
  const path = text(m, 'path');
  if (path === null || path === '') return { ok: false, error: "missing or bad 'path'" };
  const id = m.id;
  const goodId = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
  switch (m.t) {
    case 'expand':
    case 'collapse':
      return { ok: true, msg: { t: m.t, path } };
    case 'set': {
      const value = text(m, 'value');
      if (!goodId) return { ok: false, error: "missing or bad 'id'" };
      if (value === null) return { ok: false, error: "missing or bad 'value' (a string)" };
      return { ok: true, msg: { t: 'set', id, path, value } };
    }
    case 'plot':
      if (typeof m.on !== 'boolean') return { ok: false, error: "missing or bad 'on' (true or false)" };
      return { ok: true, msg: { t: 'plot', path, on: m.on } };
    case 'exec': {
      if (!goodId) return { ok: false, error: "missing or bad 'id'" };
      const arg = m.arg === null || m.arg === undefined ? null : text(m, 'arg');
      if (arg === null && m.arg !== null && m.arg !== undefined) return { ok: false, error: "bad 'arg' (a string or null)" };
      return { ok: true, msg: { t: 'exec', id, path, arg } };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(m.t)}` };
  }
}

/** The parent path of a node path ('Root.Dev.Var' → 'Root.Dev'; the root → ''). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? '' : path.slice(0, i);
}
