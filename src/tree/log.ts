/**
 * pyrogue-style logging: each node has a logger named
 * `pyrogue.<Kind>.<Class>.<path>` (Kind = Variable, Command, Device, Root);
 * records at WARNING and above are appended by the Root to SystemLog /
 * SystemLogLast as pyrogue's JSON entries.
 */
import { PyError } from '../py/errors';
import { floatRepr } from '../py/repr';

export interface LogEntry {
  created: number;
  name: string;
  message: string;
  exception: string | null;
  traceBack: string[] | null;
  levelName: string;
  /** Python int (json.dumps writes 40, not 40.0). */
  levelNumber: bigint;
}

export type LogSink = (entry: LogEntry) => void;

export const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;

export class Logger {
  constructor(
    public readonly name: string,
    private readonly sink: () => LogSink | null,
  ) {}
  private emit(level: keyof typeof LEVELS, message: string, exception: string | null = null, traceBack: string[] | null = null): void {
    const s = this.sink();
    if (!s || LEVELS[level] < LEVELS.WARNING) return;
    s({ created: Date.now() / 1000, name: this.name, message, exception, traceBack, levelName: level, levelNumber: BigInt(LEVELS[level]) });
  }
  debug(message: string): void {
    this.emit('DEBUG', message);
  }
  info(message: string): void {
    this.emit('INFO', message);
  }
  warning(message: string): void {
    this.emit('WARNING', message);
  }
  error(message: string): void {
    this.emit('ERROR', message);
  }
  /** pyrogue's logException: message = str(e), exception = the Python type name, traceBack = frames. */
  exception(e: unknown): void {
    const name = e instanceof PyError ? e.pyName : e instanceof Error ? 'Exception' : 'Exception';
    const msg = e instanceof Error ? e.message : String(e);
    const stack =
      e instanceof Error && e.stack
        ? e.stack
            .split('\n')
            .slice(1, 6)
            .map((l) => '  ' + l.trim())
        : [];
    this.emit('ERROR', msg, name, stack);
  }
}

/** Python's json.dumps (ensure_ascii, ', ' and ': ' separators) for log entries. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return jsonFloat(v);
  if (typeof v === 'string') return pyJsonString(v);
  if (Array.isArray(v)) return '[' + v.map(pyJsonDumps).join(', ') + ']';
  if (typeof v === 'object') {
    return (
      '{' +
      Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${pyJsonString(k)}: ${pyJsonDumps(x)}`)
        .join(', ') +
      '}'
    );
  }
  return pyJsonString(String(v));
}

function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** A float as Python's json.dumps writes it: its repr, with JSON's names for nan and the infinities. */
function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return floatRepr(x);
}
