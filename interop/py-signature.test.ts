import fc from 'fast-check';
import { bindArgs, PySignature } from '../src/py/signature';
import { PyError } from '../src/py/errors';
import { PyDict, PyValue } from '../src/py/values';
import { pysem } from '../test/support/python';
import { toTyped } from '../test/support/typed';
import { pyRepr } from '../src/py/repr';

/** Python source defining the signature as a method (or staticmethod) of a class. */
function pySource(sig: PySignature): { src: string; cls: string; fn: string } {
  const [cls, fn] = sig.qualname.split('.');
  const parts: string[] = [];
  if (sig.hasSelf !== false) parts.push('self');
  const pos = sig.params.filter((p) => p.kind !== 'keyword');
  const posOnly = pos.filter((p) => p.kind === 'positional');
  const fmt = (p: { name: string; default?: unknown }) =>
    p.default !== undefined ? `${p.name}=${typeof p.default === 'function' ? 'None' : pyRepr(p.default as PyValue)}` : p.name;
  for (const p of posOnly) parts.push(fmt(p));
  if (posOnly.length) parts.push('/');
  for (const p of pos.filter((p) => p.kind !== 'positional')) parts.push(fmt(p));
  const kwonly = [...sig.params.filter((p) => p.kind === 'keyword'), ...(sig.kwonly ?? [])];
  if (sig.varargs) parts.push('*' + sig.varargs);
  else if (kwonly.length) parts.push('*');
  for (const p of kwonly) parts.push(fmt(p));
  if (sig.varkw) parts.push('**' + sig.varkw);
  const deco = sig.hasSelf === false ? '    @staticmethod\n' : '';
  return {
    src: `class ${cls}:\n${deco}    def ${fn}(${parts.join(', ')}):\n        return {k: v for k, v in locals().items() if k != 'self'}\n`,
    cls,
    fn,
  };
}

function run(sig: PySignature, args: PyValue[], kwargs: [string, PyValue][]): unknown {
  try {
    const m = bindArgs(sig, args, new PyDict(kwargs));
    const o: Record<string, unknown> = {};
    for (const k of [...m.keys()].sort()) o[k] = toTyped(m.get(k)!);
    return { ok: o };
  } catch (e) {
    if (e instanceof PyError) return { error: `${e.pyName}: ${e.message}` };
    return { error: `JS ${String(e)}` };
  }
}

const NAMES = ['a', 'b', 'c', 'value', 'index', 'x', 'y'];

describe('bindArgs against CPython 3.11 calls', () => {
  const fixed: [PySignature, PyValue[], [string, PyValue][]][] = [
    [{ qualname: 'BaseVariable.value', params: [{ name: 'index', default: -1n }] }, [1n, 2n, 3n], []],
    [
      {
        qualname: 'LocalVariable.set',
        params: [
          { name: 'value' },
          { name: 'index', default: -1n },
          { name: 'write', default: true },
          { name: 'verify', default: true },
          { name: 'check', default: true },
        ],
      },
      [1n],
      [['nope', 1n]],
    ],
    [{ qualname: 'X.f', params: [{ name: 'value' }] }, [], []],
    [{ qualname: 'X.f', params: [{ name: 'a' }, { name: 'b' }] }, [], []],
    [{ qualname: 'X.f', params: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }, [], []],
    [{ qualname: 'X.f', params: [{ name: 'a' }] }, [1n], [['a', 2n]]],
    [{ qualname: 'X.f', params: [] }, [1n], []],
    [{ qualname: 'X.f', params: [], hasSelf: false }, [1n], []],
    [{ qualname: 'X.f', params: [{ name: 'a' }], hasSelf: false }, [1n, 2n], []],
    [{ qualname: 'X.f', params: [], kwonly: [{ name: 'x' }] }, [], []],
    [{ qualname: 'X.f', params: [{ name: 'a' }], kwonly: [{ name: 'x' }] }, [1n, 2n], [['x', 1n]]],
    [
      { qualname: 'X.f', params: [{ name: 'a' }], kwonly: [{ name: 'x' }, { name: 'y' }] },
      [1n, 2n, 3n],
      [
        ['x', 1n],
        ['y', 1n],
      ],
    ],
    [{ qualname: 'X.f', params: [{ name: 'a', kind: 'positional' }] }, [], [['a', 1n]]],
    [{ qualname: 'X.f', params: [{ name: 'a', kind: 'positional' }], varkw: 'kw' }, [1n], [['a', 1n]]],
    [{ qualname: 'X.f', params: [{ name: 'a' }], varargs: 'args', varkw: 'kw' }, [1n, 2n, 3n], [['z', 1n]]],
  ];
  const sigArb = fc.record({
    nParams: fc.integer({ min: 0, max: 3 }),
    nDefaults: fc.integer({ min: 0, max: 3 }),
    nPosOnly: fc.integer({ min: 0, max: 2 }),
    varargs: fc.boolean(),
    kwonly: fc.array(fc.boolean(), { maxLength: 2 }),
    varkw: fc.boolean(),
    hasSelf: fc.boolean(),
    nArgs: fc.integer({ min: 0, max: 5 }),
    kwNames: fc.uniqueArray(fc.constantFrom(...NAMES, 'k0', 'k1', 'zz'), { maxLength: 4 }),
  });
  const random: [PySignature, PyValue[], [string, PyValue][]][] = fc.sample(sigArb, { numRuns: 1500, seed: 99 }).map((r) => {
    const params = NAMES.slice(0, r.nParams).map((name, i) => ({
      name,
      ...(i >= r.nParams - r.nDefaults ? { default: BigInt(100 + i) } : {}),
      ...(i < r.nPosOnly ? { kind: 'positional' as const } : {}),
    }));
    const kwonly = r.kwonly.map((d, i) => ({ name: `k${i}`, ...(d ? { default: BigInt(200 + i) } : {}) }));
    const sig: PySignature = {
      qualname: 'Dev.cmd',
      params,
      ...(r.varargs ? { varargs: 'args' } : {}),
      ...(kwonly.length ? { kwonly } : {}),
      ...(r.varkw ? { varkw: 'kw' } : {}),
      hasSelf: r.hasSelf,
    };
    const args = Array.from({ length: r.nArgs }, (_, i) => BigInt(i + 1) as PyValue);
    const kwargs = r.kwNames.map((k, i) => [k, BigInt(50 + i)] as [string, PyValue]);
    return [sig, args, kwargs];
  });
  const all = [...fixed, ...random];
  const expected = pysem(
    'bind',
    all.map(([sig, args, kwargs]) => ({ ...pySource(sig), args: args.map(toTyped), kwargs: kwargs.map(([k, v]) => [k, toTyped(v)]) })),
  );

  test('fixed examples: error texts as CPython words them', () => {
    expect(run(...fixed[0])).toEqual({ error: 'TypeError: BaseVariable.value() takes from 1 to 2 positional arguments but 4 were given' });
    expect(run(...fixed[1])).toEqual({ error: "TypeError: LocalVariable.set() got an unexpected keyword argument 'nope'" });
    expect(run(...fixed[2])).toEqual({ error: "TypeError: X.f() missing 1 required positional argument: 'value'" });
  });

  test(`${all.length} calls bind (or fail) exactly like Python`, () => {
    const bad: string[] = [];
    all.forEach(([sig, args, kwargs], i) => {
      const want = expected[i];
      const norm = want.ok
        ? {
            ok: Object.fromEntries(
              Object.keys(want.ok)
                .sort()
                .map((k) => [k, want.ok[k]]),
            ),
          }
        : want;
      const got = run(sig, args, kwargs);
      if (JSON.stringify(got) !== JSON.stringify(norm))
        bad.push(`${pySource(sig).src} args=${args.length} kw=${kwargs.map((k) => k[0]).join(',')}: ${JSON.stringify(got)} vs python ${JSON.stringify(norm)}`);
    });
    expect(bad.slice(0, 10)).toEqual([]);
  });

  test('defaults: thunks give a fresh value per call', () => {
    const sig: PySignature = { qualname: 'A.f', params: [{ name: 'a', default: () => [] }] };
    const m1 = bindArgs(sig, [], new PyDict());
    const m2 = bindArgs(sig, [], new PyDict());
    expect(m1.get('a')).toEqual([]);
    expect(m1.get('a')).not.toBe(m2.get('a'));
  });
});
