/**
 * The browser gateway's pure parts, without a browser or a socket: the
 * page's messages checked field by field, rows and details built from what
 * the server answers, the SystemLog's entries, and the safety checks
 * (bind, Host, Origin, token).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseHttp } from '../src/cli';
import { RemoteError } from '../src/client/errors';
import { RemoteVariableValue } from '../src/client/values';
import { NdArray, NpDtype, NpScalar, PyDict } from '../src/py/values';
import { checkBind, hostAllowed, hostName, isLoopback, originAllowed, tokenMatches, WebConfigError } from '../src/web/gateway';
import { groupKey, groupRows, orderRows } from '../src/web/layout';
import { MAX_CURVE, MAX_TEXT, parentPath, parseClientMessage, type Row } from '../src/web/protocol';
import { detailsOf, enumChoices, errorText, kindOf, loadDetails, logEntries, plotValue, rowOf, type RowSource, type StaticPropsCache } from '../src/web/rows';

describe('parseClientMessage', () => {
  test.each([
    ['{"t":"expand","path":"Root.Dev"}', { t: 'expand', path: 'Root.Dev' }],
    ['{"t":"collapse","path":"Root.Dev"}', { t: 'collapse', path: 'Root.Dev' }],
    ['{"t":"set","id":3,"path":"Root.A","value":"0x10"}', { t: 'set', id: 3, path: 'Root.A', value: '0x10' }],
    ['{"t":"exec","id":4,"path":"Root.C","arg":"5"}', { t: 'exec', id: 4, path: 'Root.C', arg: '5' }],
    ['{"t":"exec","id":4,"path":"Root.C","arg":null}', { t: 'exec', id: 4, path: 'Root.C', arg: null }],
    ['{"t":"exec","id":4,"path":"Root.C"}', { t: 'exec', id: 4, path: 'Root.C', arg: null }],
    ['{"t":"plot","path":"Root.A","on":true}', { t: 'plot', path: 'Root.A', on: true }],
    ['{"t":"plot","path":"Root.A","on":false}', { t: 'plot', path: 'Root.A', on: false }],
    // Extra fields are dropped, never passed on.
    ['{"t":"expand","path":"Root","extra":{"x":1}}', { t: 'expand', path: 'Root' }],
  ])('accepts %s', (raw, msg) => {
    expect(parseClientMessage(raw)).toEqual({ ok: true, msg });
  });

  test.each([
    ['not json', /not JSON/],
    ['[1,2]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"t":"expand"}', /path/],
    ['{"t":"expand","path":""}', /path/],
    ['{"t":"expand","path":5}', /path/],
    ['{"t":"set","path":"Root.A","value":"1"}', /id/],
    ['{"t":"plot","path":"Root.A"}', /'on'/],
    ['{"t":"plot","path":"Root.A","on":"yes"}', /'on'/],
    ['{"t":"set","id":-1,"path":"Root.A","value":"1"}', /id/],
    ['{"t":"set","id":1.5,"path":"Root.A","value":"1"}', /id/],
    ['{"t":"set","id":1,"path":"Root.A","value":1}', /value/],
    ['{"t":"set","id":1,"path":"Root.A"}', /value/],
    ['{"t":"exec","id":1,"path":"Root.C","arg":5}', /arg/],
    ['{"t":"eval","path":"Root"}', /unknown message type "eval"/],
    [JSON.stringify({ t: 'set', id: 1, path: 'Root.A', value: 'x'.repeat(MAX_TEXT + 1) }), /value/],
  ])('refuses %s', (raw, why) => {
    const r = parseClientMessage(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });

  test('parentPath', () => {
    expect(parentPath('Root.Dev.Var')).toBe('Root.Dev');
    expect(parentPath('Root.Dev.Chan[1]')).toBe('Root.Dev');
    expect(parentPath('Root')).toBe('');
  });
});

function source(over: Partial<RowSource>): RowSource {
  return {
    path: 'Root.X',
    name: 'X',
    className: 'LocalVariable',
    description: '',
    hidden: false,
    expand: true,
    guiGroup: null,
    childNames: [],
    isCommand: false,
    isVariable: true,
    isProcess: false,
    ...over,
  };
}

describe('rows and details', () => {
  test('kinds: a command, a variable, a device, a process (a device that can be called)', () => {
    expect(kindOf(source({ isCommand: true, isVariable: false }))).toBe('command');
    expect(kindOf(source({}))).toBe('variable');
    expect(kindOf(source({ isVariable: false }))).toBe('device');
    expect(kindOf(source({ isVariable: false, isProcess: true }))).toBe('device');
  });

  test('a row carries the node reduce: guiGroup, expand (devices), a Read button when the device has ReadDevice', () => {
    const dev = rowOf(source({ path: 'Root.Dev', name: 'Dev', className: 'AxiVersion', isVariable: false, childNames: ['A', 'ReadDevice'], description: 'd' }));
    expect(dev).toEqual({
      path: 'Root.Dev',
      name: 'Dev',
      kind: 'device',
      cls: 'AxiVersion',
      description: 'd',
      hidden: false,
      nChildren: 2,
      guiGroup: null,
      expand: true,
      readDevice: true,
    });
    expect(rowOf(source({ isVariable: false, childNames: ['A'], expand: false }))).toMatchObject({ expand: false, readDevice: false });
    // A variable's expand and a command named ReadDevice below it mean nothing to the tree.
    expect(rowOf(source({ guiGroup: 'TestArray', childNames: ['ReadDevice'] }))).toMatchObject({ guiGroup: 'TestArray', expand: false, readDevice: false });
    expect(rowOf(source({ guiGroup: '' })).guiGroup).toBeNull();
  });

  test('enum choices in the dict order, as text', () => {
    const e = new PyDict();
    e.set(0n, 'Off');
    e.set(1n, 'On');
    e.set(2n, 5n);
    expect(enumChoices(e)).toEqual(['Off', 'On', '5']);
    expect(enumChoices(new PyDict())).toBeNull();
    expect(enumChoices(null)).toBeNull();
  });

  test('details from props and the VariableValue', () => {
    const state = new PyDict();
    state.set('value', 90.0);
    state.set('valueDisp', '90.0');
    state.set('severity', 'AlarmMajor');
    state.set('status', 'AlarmHiHi');
    const d = detailsOf('Root.T', 'variable', { mode: 'RW', typeStr: 'float', units: 'degC' }, new RemoteVariableValue(state));
    expect(d).toEqual({
      path: 'Root.T',
      mode: 'RW',
      typeStr: 'float',
      units: 'degC',
      disp: '90.0',
      choices: null,
      severity: 'AlarmMajor',
      hasArg: false,
      error: null,
    });
    const c = detailsOf('Root.C', 'command', { typeStr: 'int', arg: true, units: null }, null, 'oops');
    expect(c).toMatchObject({ mode: 'WO', typeStr: 'int', units: '', disp: '', hasArg: true, error: 'oops' });
  });

  test("errors read as Python's: the class without its module, then the message", () => {
    expect(errorText(new RemoteError('builtins.ValueError', 'bad value'))).toBe('ValueError: bad value');
    expect(errorText(new RemoteError('pyrogue._Variable.VariableError', 'no'))).toBe('VariableError: no');
    expect(errorText(new Error('plain'))).toBe('plain');
  });
});

describe('loadDetails', () => {
  /** A node answering props from a table and counting requests; `failing` props raise. */
  function fakeNode(failing: string[] = []) {
    const asked: string[] = [];
    const state = new PyDict();
    state.set('valueDisp', '5');
    const node = {
      path: 'Root.Dev.V',
      propNames: ['mode', 'typeStr', 'units', 'disp'],
      funcs: { getVariableValue: { args: [], kwargs: [] } },
      prop: (p: string) => {
        asked.push(p);
        if (failing.includes(p)) return Promise.reject(new RemoteError('builtins.AttributeError', p));
        return Promise.resolve(({ mode: 'RO', typeStr: 'int', units: 'mA' } as Record<string, string>)[p]);
      },
      getVariableValue: (opts: { read?: boolean }) => {
        asked.push(`getVariableValue(read=${String(opts.read)})`);
        return Promise.resolve(new RemoteVariableValue(state));
      },
    };
    return { node: node as never, asked };
  }

  test('static props are asked once per path with a cache; the value every time, without a hardware read', async () => {
    const { node, asked } = fakeNode();
    const cache: StaticPropsCache = new Map();
    const d1 = await loadDetails(node, 'variable', cache);
    const d2 = await loadDetails(node, 'variable', cache);
    expect(d1).toEqual(d2);
    expect(d1).toMatchObject({ mode: 'RO', typeStr: 'int', units: 'mA', disp: '5', error: null });
    expect(asked.sort()).toEqual(['getVariableValue(read=false)', 'getVariableValue(read=false)', 'mode', 'typeStr', 'units']);
  });

  test('a failed property is reported on the row and asked again next time', async () => {
    const { node, asked } = fakeNode(['units']);
    const cache: StaticPropsCache = new Map();
    expect((await loadDetails(node, 'variable', cache)).error).toBe('AttributeError: units');
    await loadDetails(node, 'variable', cache);
    expect(asked.filter((a) => a === 'units')).toHaveLength(2);
  });
});

describe('SystemLog entries', () => {
  test('a JSON list of records', () => {
    const text = JSON.stringify([
      { created: 1700000000.5, name: 'pyrogue.Root', message: 'started', exception: null, levelName: 'INFO' },
      { created: 1700000001, name: 'pyrogue.Command', message: 'Add needs an int', exception: 'ValueError', levelName: 'ERROR' },
    ]);
    expect(logEntries(text)).toEqual([
      { time: 1700000000.5, level: 'INFO', name: 'pyrogue.Root', message: 'started' },
      { time: 1700000001, level: 'ERROR', name: 'pyrogue.Command', message: 'ValueError: Add needs an int' },
    ]);
  });
  test('empty, and text that is not a list', () => {
    expect(logEntries('')).toEqual([]);
    expect(logEntries('[]')).toEqual([]);
    expect(logEntries('<b>not json</b>')).toEqual([{ time: 0, level: '', name: '', message: '<b>not json</b>' }]);
    expect(logEntries('{"a":1}')).toHaveLength(1);
  });
});

describe('safety checks', () => {
  test('loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '*', '192.168.1.5', 'example.org', '']) expect(isLoopback(h)).toBe(false);
  });

  test('a non-loopback bind needs a token of 8 characters or more', () => {
    expect(() => checkBind('127.0.0.1', null)).not.toThrow();
    expect(() => checkBind('0.0.0.0', null)).toThrow(WebConfigError);
    expect(() => checkBind('0.0.0.0', '')).toThrow(/without a token/);
    expect(() => checkBind('0.0.0.0', 'short')).toThrow(/at least 8/);
    expect(() => checkBind('0.0.0.0', 'long-enough-secret')).not.toThrow();
  });

  test('Host: only loopback names or IP addresses without a token (DNS rebinding)', () => {
    expect(hostName('[::1]:8099')).toBe('::1');
    expect(hostName('Example.ORG:80')).toBe('example.org');
    expect(hostAllowed('127.0.0.1:8099', false)).toBe(true);
    expect(hostAllowed('localhost:8099', false)).toBe(true);
    expect(hostAllowed('[::1]:8099', false)).toBe(true);
    expect(hostAllowed('192.168.1.5:8099', false)).toBe(true);
    expect(hostAllowed('evil.example:8099', false)).toBe(false);
    expect(hostAllowed('evil.example:8099', true)).toBe(true);
    expect(hostAllowed(undefined, true)).toBe(false);
  });

  test("Origin: the page's own scheme-less host and port only", () => {
    expect(originAllowed('http://127.0.0.1:8099', '127.0.0.1:8099')).toBe(true);
    expect(originAllowed('https://box.lab:8443', 'box.lab:8443')).toBe(true);
    expect(originAllowed('http://127.0.0.1:8098', '127.0.0.1:8099')).toBe(false);
    expect(originAllowed('http://evil.example', '127.0.0.1:8099')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8099')).toBe(false);
    expect(originAllowed('file://', '127.0.0.1:8099')).toBe(false);
    expect(originAllowed(undefined, '127.0.0.1:8099')).toBe(false);
  });

  test('token comparison', () => {
    expect(tokenMatches('secret-123', 'secret-123')).toBe(true);
    expect(tokenMatches('secret-124', 'secret-123')).toBe(false);
    expect(tokenMatches('secret', 'secret-123')).toBe(false);
    expect(tokenMatches(null, 'secret-123')).toBe(false);
  });

  test('--http [HOST:]PORT', () => {
    expect(parseHttp('8099')).toEqual({ host: '127.0.0.1', port: 8099 });
    expect(parseHttp('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseHttp('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseHttp('host')).toThrow(/bad --http/);
    expect(() => parseHttp('1:99999')).toThrow(/bad --http/);
  });
});

test('the page never turns text into HTML or code', () => {
  const dir = path.join(__dirname, '..', 'src', 'web', 'page');
  const src = ['main.ts', 'plot.ts'].map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  expect(src).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setTimeout\(['"`]/);
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  // One external script, no inline script or handler, nothing fetched from elsewhere.
  expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="app.js">']);
  expect(html).not.toMatch(/\son[a-z]+=|https?:\/\//);
});

describe("PyDM's layout of a device's children", () => {
  const row = (name: string, kind: Row['kind'], guiGroup: string | null = null): Row => ({
    path: `Root.${name}`,
    name,
    kind,
    cls: '',
    description: '',
    hidden: false,
    nChildren: 0,
    guiGroup,
    expand: false,
    readDevice: false,
  });
  const names = (rows: Row[]) => rows.map((r) => r.name);

  test('variables, then commands, then devices, each kind in tree order', () => {
    const tree = [
      row('D1', 'device'),
      row('C1', 'command'),
      row('V1', 'variable'),
      row('D2', 'device'),
      row('V2', 'variable'),
      row('C2', 'command'),
      row('V3', 'variable'),
    ];
    expect(names(orderRows(tree))).toEqual(['V1', 'V2', 'V3', 'C1', 'C2', 'D1', 'D2']);
    expect(names(tree)[0]).toBe('D1'); // the input is left as it was
  });

  test('nodes with a guiGroup go under one group line, where its first member would be; devices join a group their variables opened', () => {
    const rows = orderRows([
      row('A', 'variable'),
      row('T[0]', 'variable', 'TestArray'),
      row('Sub', 'device', 'TestArray'),
      row('Run', 'command', 'Cmds'),
      row('T[1]', 'variable', 'TestArray'),
      row('B', 'variable'),
      row('Stop', 'command'),
      row('Go', 'command', 'Cmds'),
      row('Dev', 'device'),
    ]);
    const lines = groupRows('Root', rows).map((e) => (e.group === null ? e.row.name : `${e.key}: ${names(e.rows).join(' ')}`));
    expect(lines).toEqual(['A', 'Root/TestArray: T[0] T[1] Sub', 'B', 'Root/Cmds: Run Go', 'Stop', 'Dev']);
    expect(groupKey('Root.AxiVersion', 'TestArray')).toBe('Root.AxiVersion/TestArray');
  });

  test('without a guiGroup, every row is a line of its own', () => {
    const rows = [row('A', 'variable'), row('B', 'command', '')];
    expect(groupRows('Root', rows)).toEqual([
      { group: null, row: rows[0] },
      { group: null, row: rows[1] },
    ]);
  });
});

describe('plotValue: what a plot sees of a Python value', () => {
  test('numbers: int, float, bool, numpy scalar', () => {
    expect(plotValue(5n)).toBe(5);
    expect(plotValue(2.5)).toBe(2.5);
    expect(plotValue(true)).toBe(1);
    expect(plotValue(NpScalar.of(NpDtype.int16, -3n))).toBe(-3);
  });
  test('arrays: a numpy array (flattened) or a list of numbers; at most MAX_CURVE elements', () => {
    expect(plotValue(NdArray.from(NpDtype.float64, [0.5, 1.5]))).toEqual([0.5, 1.5]);
    expect(plotValue([1n, 2.5, false])).toEqual([1, 2.5, 0]);
    expect(plotValue(NdArray.from(NpDtype.uint8, new Array<number>(MAX_CURVE + 10).fill(1)))).toHaveLength(MAX_CURVE);
  });
  test('anything else is not numeric', () => {
    expect(plotValue('3')).toBeNull();
    expect(plotValue(null)).toBeNull();
    expect(plotValue(PyDict.from({ a: 1n }))).toBeNull();
    expect(plotValue([1n, 'x'])).toBeNull();
  });
});
