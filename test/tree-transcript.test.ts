/**
 * Replays the golden transcript's non-AxiVersion exchanges against the
 * TypeScript reference tree, the way the server dispatches them
 * (root.getNode(path) → pyGetAttr(attr) → call(args, kwargs)), and compares
 * replies (canonical forms) and the variables each request published.
 */
import { createReferenceRoot, loadAxiVersion } from '../src/examples/reference';
import { isPyCallable, Root, VariableValue } from '../src/tree';
import { PyError, wireText } from '../src/py/errors';
import { NdArray, NpDtype, NpScalar, PyDict, PyObject, PyTuple, PyUnpicklable, PyValue } from '../src/py/values';
import { canon, loadTranscript } from './support/tree';

type C = unknown;
/** canonical (golden) form → PyValue, for requests */
function decode(c: C): PyValue {
  if (c === null || typeof c === 'boolean' || typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map(decode);
  const o = c as Record<string, unknown>;
  if ('int' in o) return BigInt(o.int as string);
  if ('float' in o) {
    const f = o.float as string;
    return f === 'nan' ? NaN : f === 'inf' ? Infinity : f === '-inf' ? -Infinity : Number(f);
  }
  if ('tuple' in o) return new PyTuple((o.tuple as C[]).map(decode));
  if ('dict' in o) return new PyDict((o.dict as [C, C][]).map(([k, v]) => [decode(k), decode(v)] as [PyValue, PyValue]));
  if ('bytes' in o) return new Uint8Array(Buffer.from(o.bytes as string, 'hex'));
  if (o.obj === 'numpy.core.multiarray._reconstruct') {
    const st = (o.state as { tuple: C[] }).tuple;
    const shape = ((st[1] as { tuple: C[] }).tuple as { int: string }[]).map((x) => Number(x.int));
    const dt = st[2] as { args: [string]; state: { tuple: C[] } };
    const order = dt.state.tuple[1] as string;
    const dtype = NpDtype.parse((order === '|' ? '|' : order) + dt.args[0]);
    return new NdArray(dtype, shape, new Uint8Array(Buffer.from((st[4] as { bytes: string }).bytes, 'hex')), st[3] as boolean);
  }
  throw new Error('cannot decode ' + JSON.stringify(c));
}

/** canonical reply form (server-like: exceptions → builtins.Exception(wireText), unpicklable → TypeError) */
function replyCanon(v: PyValue): C {
  if (v instanceof PyUnpicklable) return canon(PyObject.exception(`builtins.TypeError: cannot pickle '${v.pyTypeName}' object`));
  if (v instanceof NpScalar) {
    return {
      obj: 'numpy.core.multiarray.scalar',
      args: [
        {
          obj: 'numpy.dtype',
          args: [v.dtype.pickleName, false, true],
          state: { tuple: [{ int: '3' }, v.dtype.byteorder, null, null, null, { int: '-1' }, { int: '-1' }, { int: '0' }] },
        },
        { bytes: Buffer.from(v.data).toString('hex') },
      ],
    };
  }
  return canon(v);
}

const LOG_PATHS = new Set(['Root.SystemLog', 'Root.SystemLogLast', 'Root.RogueDirectory']);
const YAML_IDS = new Set(['cmd:Root.GetYamlConfig', 'cmd:Root.GetYamlState']);

/** YAML text without the AxiVersion block (when absent) and with volatile lines masked. */
function yamlNorm(t: string, axi: boolean): string {
  const lines = t.split('\n');
  const out: string[] = [];
  let skip = false;
  for (const l of lines) {
    if (/^ {2}\S/.test(l)) skip = !axi && l.startsWith('  AxiVersion:');
    if (skip) continue;
    out.push(l.replace(/^( {2}(Time|RogueDirectory): ).*/, '$1<volatile>'));
  }
  return out.join('\n');
}

describe('golden transcript replay (tree layer)', () => {
  let root: Root;
  let batches: Map<string, VariableValue>[] = [];
  let cur = new Map<string, VariableValue>();
  beforeAll(async () => {
    root = createReferenceRoot({ heartbeatMs: 0 });
    root.addVarListener(
      (p, v) => cur.set(p, v as VariableValue),
      () => {
        if (cur.size) batches.push(cur);
        cur = new Map();
      },
      { excGroups: ['NoServe'] },
    );
    await root.start();
  });
  afterAll(async () => {
    await root.stop();
  });

  test('replies and publishes', async () => {
    const axi = loadAxiVersion() !== null;
    const all = loadTranscript();
    const fams = ['tree:', 'prop:', 'read:', 'node:', 'write:', 'cmd:', 'err:', 'root:'];
    const ex = all.filter((e) => fams.some((f) => e.id.startsWith(f)));
    const stats: Record<string, [number, number]> = {};
    const fails: string[] = [];
    // exchanges on AxiVersion (memory layer) are counted and reported, not asserted here
    const axiFails: string[] = [];
    let pubOk = 0;
    let pubBad = 0;
    for (const e of ex) {
      if (!e.request || typeof e.request !== 'object' || !('dict' in e.request)) continue; // malformed-request cases are the server's
      const req = decode(e.request) as PyDict;
      const path = req.get('path') as string | null;
      const usesAxi = (typeof path === 'string' && path.includes('AxiVersion')) || (path === 'Root' && req.get('attr') === 'nodes') || path === '__ROOT__';
      if (usesAxi && !axi) continue;
      const sink = usesAxi ? axiFails : fails;
      if (e.volatile && !YAML_IDS.has(e.id)) continue;
      if (e.id === 'err:after') continue; // depends on err:list-args, a raw (server-side) request
      const fam = e.id.split(':')[0];
      const attr = req.get('attr') as string | null;
      const args = (req.get('args') as PyTuple).items;
      const kwargs = req.get('kwargs') as PyDict;
      batches = [];
      let reply: C;
      try {
        if (typeof path !== 'string') throw new PyError('builtins', 'TypeError', "argument of type 'NoneType' is not iterable");
        const node = path === '__ROOT__' ? root : root.getNode(path);
        if (node === null) reply = null;
        else if (attr === null) reply = replyCanon(node);
        else {
          const a = node.pyGetAttr(attr);
          const r = isPyCallable(a) ? await a.call(args, kwargs) : a;
          reply = replyCanon(r);
        }
      } catch (err) {
        reply = canon(PyObject.exception(wireText(err)));
      }
      await root.waitOnUpdate();
      // object addresses in CPython messages are not reproducible
      const addr = (x: string) => x.replace(/ at 0x[0-9a-f]+>/g, ' at 0x?>');
      let ok = addr(JSON.stringify(reply)) === addr(JSON.stringify(e.reply));
      if (YAML_IDS.has(e.id)) {
        ok = typeof reply === 'string' && yamlNorm(reply, false) === yamlNorm(e.reply as string, false);
        if (axi && typeof reply === 'string' && yamlNorm(reply, true) !== yamlNorm(e.reply as string, true))
          axiFails.push(`${e.id}: AxiVersion YAML section differs`);
        if (!ok)
          sink.push(
            `${e.id}: YAML got\n${typeof reply === 'string' ? yamlNorm(reply, false) : JSON.stringify(reply)}\nwant\n${yamlNorm(e.reply as string, false)}`,
          );
      }
      stats[fam] = stats[fam] ?? [0, 0];
      stats[fam][ok ? 0 : 1]++;
      if (!ok) {
        const g = JSON.stringify(reply);
        const w = JSON.stringify(e.reply);
        let i = 0;
        while (i < g.length && g[i] === w[i]) i++;
        const from = Math.max(0, i - 120);
        sink.push(`${e.id}: got ...${g.slice(from, i + 200)} want ...${w.slice(from, i + 200)}`);
      }
      // publishes: same variables, same values (log entries compared by path only)
      const want = new Map<string, C>();
      for (const m of (e.publish ?? []) as { dict: [string, C][] }[]) for (const [p, v] of m.dict) want.set(p, v);
      const got = new Map<string, C>();
      for (const b of batches) for (const [p, v] of b) got.set(p, canon(v));
      // the recording leaves the heartbeat (Root.Time / Root.LocalTime) out of publish sets
      const keys = (m: Map<string, C>) => [...m.keys()].filter((k) => (axi || !k.includes('AxiVersion')) && k !== 'Root.Time' && k !== 'Root.LocalTime').sort();
      let pOk = JSON.stringify(keys(got)) === JSON.stringify(keys(want));
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- a list's JS text (comma-joined) is the message
      if (!pOk) sink.push(`${e.id}: extra ${keys(got).filter((k) => !want.has(k))} missing ${keys(want).filter((k) => !got.has(k))}`);
      if (pOk)
        for (const k of keys(want))
          if (!LOG_PATHS.has(k) && JSON.stringify(got.get(k)) !== JSON.stringify(want.get(k))) {
            pOk = false;
            sink.push(`${e.id}: ${k} published ${JSON.stringify(got.get(k)).slice(0, 300)} want ${JSON.stringify(want.get(k)).slice(0, 300)}`);
          }
      if (pOk) pubOk++;
      else {
        pubBad++;
        sink.push(`${e.id}: PUBLISH got ${JSON.stringify(keys(got)).slice(0, 300)} want ${JSON.stringify(keys(want)).slice(0, 300)}`);
      }
    }
    console.log(
      [
        'transcript replay (tree layer): ' +
          Object.entries(stats)
            .map(([f, [o, b]]) => `${f} ${o}/${o + b}`)
            .join(', '),
        `publish sets: ${pubOk}/${pubOk + pubBad} (AxiVersion paths ${axi ? 'included' : 'excluded'})`,
        `AxiVersion exchanges: ${axi ? `${axiFails.length} mismatches` : 'not available'}`,
        ...fails.slice(0, 60),
        ...axiFails.slice(0, 20).map((f) => '[axi] ' + f),
      ].join('\n'),
    );
    expect(fails).toEqual([]);
  }, 60000);
});
