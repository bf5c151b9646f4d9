/**
 * YAML: pyrogue's dataToYaml layout (PyYAML emitter rules) checked against the
 * golden GetYamlConfig text, and setYaml/loadYaml semantics.
 */
import execa from 'execa';
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createReferenceRoot } from '../src/examples/reference';
import { dataToYaml, Device, LocalVariable, Root, VariableValue, YamlTree } from '../src/tree';
import { NdArray, NpDtype } from '../src/py/values';
import { PYTHON } from '../test/support/python';
import { loadTranscript } from '../test/support/tree';

const golden = (id: string) => loadTranscript().find((e) => e.id === id)!.reply as string;

describe('dataToYaml', () => {
  test('wrapping and quoting of long / multi-line values like PyYAML (golden AxiVersion lines)', async () => {
    const root = new Root({ name: 'Root', heartbeatMs: 0, pollEn: false });
    const d = new Device({ name: 'AxiVersion' });
    d.add(
      new LocalVariable({ name: 'TestRealArray', value: NdArray.from(NpDtype.int64, [1n, 2n, 3n, 4n]) }),
      new LocalVariable({ name: 'TestReal2dArray', value: NdArray.from(NpDtype.float32, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4]) }),
      new LocalVariable({ name: 'TestBoolArray', value: Array(10).fill(false) }),
      new LocalVariable({ name: 'Test10Bit', value: 1023n, disp: '{:#x}' }),
    );
    root.add(d);
    const y = await root.getYaml({ modes: ['RW'], excGroups: null });
    const want = golden('cmd:Root.GetYamlConfig');
    const section = want.slice(want.indexOf('    Test10Bit:'), want.indexOf('  Demo:'));
    const mine = y.slice(y.indexOf('    TestRealArray:'));
    // same lines for the values both trees share
    for (const name of ['TestRealArray', 'TestReal2dArray', 'TestBoolArray', 'Test10Bit']) {
      const pick = (t: string) => {
        const i = t.indexOf(`    ${name}:`);
        let j = t.indexOf('\n    ', i + 1);
        while (j >= 0 && t[j + 5] === ' ') j = t.indexOf('\n    ', j + 1);
        return t.slice(i, j < 0 ? undefined : j);
      };
      expect(pick(mine).trimEnd()).toBe(pick(section).trimEnd());
    }
  });

  test('scalar styles: tags follow the value type', () => {
    const vv = (value: unknown, disp: string, en: boolean = false) =>
      new VariableValue(value as never, disp, '{}', en ? (new Map() as never) : null, 'None', 'None');
    const t: YamlTree = new Map([
      [
        'Root',
        new Map<string, YamlTree | VariableValue>([
          ['b', vv(true, 'True')],
          ['s', vv('True', 'True')],
          ['e', vv('', '')],
          ['h', vv(16n, '0x10')],
          ['f', vv(NaN, 'nan')],
          ['u', vv('wörld ☃', 'wörld ☃')],
          ['q', vv("it's", "it's")],
          ['c', vv('a: b', 'a: b')],
          ['empty', new Map()],
        ]),
      ],
    ]);
    expect(dataToYaml(t)).toBe(
      [
        'Root:',
        '  b: True',
        "  s: 'True'",
        "  e: ''",
        '  h: 0x10',
        "  f: !!float 'nan'",
        '  u: "w\\xF6rld \\u2603"',
        "  q: it's",
        "  c: 'a: b'",
        '  empty: {}',
        '',
      ].join('\n'),
    );
  });
});

describe('setYaml / loadYaml', () => {
  test('applies values in tree order through setDisp, then writes all (one batch)', async () => {
    const root = createReferenceRoot({ heartbeatMs: 0, withoutAxiVersion: true });
    const batches: string[][] = [];
    let cur: string[] = [];
    root.addVarListener(
      (p) => cur.push(p),
      () => {
        batches.push(cur);
        cur = [];
      },
      { excGroups: ['NoServe'] },
    );
    await root.start();
    // as in pyrogue, starting publishes (each Process's Progress, set by Step and TotalSteps): not under test here
    await root.waitOnUpdate();
    batches.length = 0;
    await root.setYaml(
      "Root:\n  Demo:\n    Text: from-yaml\n    Int: 77\n    Enum: Two\n    HexDisp: 0x20\n    List: '[5, 6]'\n    Bool: False\n    Chan[1]: 5\n",
    );
    await root.waitOnUpdate();
    const v = (n: string) => root.getNode(`Root.Demo.${n}`) as LocalVariable;
    expect([v('Int').value(), v('Text').value(), v('Enum').value(), v('HexDisp').value(), v('List').value(), v('Bool').value(), v('Chan[1]').value()]).toEqual([
      77n,
      'from-yaml',
      2n,
      32n,
      [5n, 6n],
      false,
      5n,
    ]);
    expect(batches).toHaveLength(1);
    expect(batches[0][0]).toBe('Root.RogueVersion');
    // loadYaml from a file
    const f = path.join(os.tmpdir(), `tree-yaml-${process.pid}.yml`);
    fs.writeFileSync(f, 'Root:\n  Demo:\n    Int: 12\n');
    await root.loadYaml(f);
    expect(v('Int').value()).toBe(12n);
    fs.unlinkSync(f);
    // RO is not a config mode: skipped (pyrogue logs a warning)
    await root.setYaml('Root:\n  Demo:\n    ReadOnly: 1\n');
    expect(v('ReadOnly').value()).toBe(42n);
    await root.stop();
  });

  test('GetYamlConfig of the Demo matches the golden text layout', async () => {
    const root = createReferenceRoot({ heartbeatMs: 0, withoutAxiVersion: true });
    await root.start();
    const y = await root.getYaml({ modes: ['RW', 'WO'], excGroups: ['NoConfig'] });
    const want = golden('cmd:Root.GetYamlConfig');
    expect(y.slice(0, y.indexOf('  Demo:'))).toBe(want.slice(0, want.indexOf('  AxiVersion:')));
    await root.stop();
  });
});

describe('dataToYaml scalars against PyYAML', () => {
  // Strings built from the characters that steer PyYAML's style choice, its
  // quoting, its line breaks and its line folding (width 80).
  test('random string values emit exactly as yaml.dump (block style) writes them', () => {
    const pieces = [
      'a',
      'word',
      ' ',
      '  ',
      '\n',
      '\n\n',
      "'",
      '"',
      ':',
      '#',
      '- ',
      '\t',
      'é',
      '\u2028',
      '\x85',
      'yes',
      '1',
      '0x1F',
      '~',
      'x'.repeat(30),
      'long text ',
      '\\',
    ];
    const strs = fc.sample(
      fc.array(fc.constantFrom(...pieces), { minLength: 0, maxLength: 14 }).map((a) => a.join('')),
      { numRuns: 600, seed: 20261124 },
    );
    strs.push('', '\nlead', 'trail\n', 'a\n\n\nb', "it's", 'x '.repeat(60), '\n\n');
    const want: string[] = JSON.parse(
      execa.sync(PYTHON, [path.join(__dirname, '..', 'python-fixtures', 'pyyaml_dump.py')], { input: JSON.stringify(strs) }).stdout,
    );
    const bad: string[] = [];
    strs.forEach((s, i) => {
      const tree: YamlTree = new Map([['Root', new Map([['Dev', new Map([['V', new VariableValue(s, s, '{}', null, 'None', 'None')]])]])]]);
      const got = dataToYaml(tree);
      if (got !== want[i]) bad.push(`${JSON.stringify(s)}\n  PyYAML ${JSON.stringify(want[i])}\n  ours   ${JSON.stringify(got)}`);
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
