/// <reference lib="dom" />
// Functions given to page.evaluate / $eval / waitForFunction run in the browser: DOM types.
/**
 * The browser view in a real browser (Debian's chromium through puppeteer-core):
 * against a live TypeScript server (`pyrogue-ts serve --tree example --http`)
 * and, through `pyrogue-ts web --server`, against a Python pyrogue server
 * (python-fixtures/fake_server.py). A Python SimpleClient changes values the
 * page must show, and reads back what the page set.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'puppeteer-core';
import { ROOT_DIR } from '../test/support/cliRun';
import { freeBasePort } from '../test/support/server';
import {
  ensureWebBuilt,
  expand,
  launch,
  openPage,
  pyClient,
  runCommand,
  sel,
  serveWithHttp,
  shown,
  startFakeServer,
  startGateway,
  typeSet,
  waitError,
  waitShown,
  type Gateway,
  type Proc,
} from '../test/support/web';

jest.setTimeout(180000);

let browser: Browser | null = null;
const running: Proc[] = [];

beforeAll(async () => {
  await ensureWebBuilt();
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(running.map((p) => p.stop()));
});

async function page(url: string): Promise<Page> {
  const { page: p, errors } = await openPage(browser!, url);
  p.on('close', () => expect(errors).toEqual([]));
  return p;
}

describe('against the TypeScript server (serve --http)', () => {
  let gw: Gateway & { port: number };
  let p: Page;

  beforeAll(async () => {
    gw = await serveWithHttp('example');
    running.push(gw);
    p = await page(gw.url);
    await expand(p, 'Example.Example', 'Example.Example.Gain');
  });
  afterAll(async () => {
    await p.close();
    await gw.stop();
  });

  test('the page loads the root and expands a device lazily, with mode, type, units and controls', async () => {
    expect(await p.$eval('#conn', (e) => e.textContent)).toBe('connected');
    expect(await p.$eval('#title', (e) => e.textContent)).toBe('Example');
    // AxiVersion is not expanded: none of its children were loaded.
    expect(await p.$(sel('Example.AxiVersion.ScratchPad'))).toBeNull();
    expect(await p.$eval(`${sel('Example.Example.Offset')} td.mode`, (e) => e.textContent)).toBe('RW');
    expect(await p.$eval(`${sel('Example.Example.Offset')} td.type`, (e) => e.textContent)).toBe('float');
    expect(await p.$eval(`${sel('Example.Example.Offset')} .units`, (e) => e.textContent)).toBe('V');
    expect(await shown(p, 'Example.Example.Offset')).toBe('0.250');
    // An enum is a drop-down of its choices, a bool a toggle, an RO variable plain text.
    expect(await p.$$eval(`${sel('Example.Example.Mode')} select option`, (os) => os.map((o) => o.textContent))).toEqual(
      expect.arrayContaining(['Idle', 'Run']),
    );
    expect(await p.$(`${sel('Example.Example.Enabled')} input[type=checkbox]`)).not.toBeNull();
    expect(await p.$(`${sel('Example.Example.Counter')} input`)).toBeNull();
    // Commands: a button, and an argument field for those taking one.
    expect(await p.$(`${sel('Example.Example.Add')} input.arg`)).not.toBeNull();
    expect(await p.$(`${sel('Example.Example.Reset')} input.arg`)).toBeNull();
    expect(await p.$(`${sel('Example.Example.Reset')} button`)).not.toBeNull();
  });

  test('a value set by a Python SimpleClient appears on the page', async () => {
    await pyClient(gw.port, "c.setDisp('root.Example.Gain', '7'); out = c.valueDisp('root.Example.Gain')");
    await waitShown(p, 'Example.Example.Gain', '7');
  });

  test('a value set from the page is read back by Python', async () => {
    await typeSet(p, 'Example.Example.Label', 'from the browser');
    await waitFor(async () => (await pyClient(gw.port, "out = c.valueDisp('root.Example.Label')")) === 'from the browser');
    // An enum from its drop-down.
    await p.select(`${sel('Example.Example.Mode')} select`, 'Run');
    await waitFor(async () => (await pyClient(gw.port, "out = c.valueDisp('root.Example.Mode')")) === 'Run');
    // A bool from its toggle.
    const before = await pyClient(gw.port, "out = c.valueDisp('root.Example.Enabled')");
    await p.click(`${sel('Example.Example.Enabled')} input[type=checkbox]`);
    await waitFor(async () => (await pyClient(gw.port, "out = c.valueDisp('root.Example.Enabled')")) === (before === 'True' ? 'False' : 'True'));
  });

  test("a command runs with an argument and shows what it returned; the server's error is shown beside the field", async () => {
    await pyClient(gw.port, "c.setDisp('root.Example.Gain', '2')");
    await waitShown(p, 'Example.Example.Gain', '2');
    expect(await runCommand(p, 'Example.Example.Add', '3')).toEqual({ ret: '→ 5', err: '' });
    await waitShown(p, 'Example.Example.Gain', '5');
    expect(await pyClient(gw.port, "out = c.valueDisp('root.Example.Gain')")).toBe('5');
    await typeSet(p, 'Example.Example.Gain', 'not a number');
    expect(await waitError(p, 'Example.Example.Gain', /Error/)).toMatch(/Error/);
    expect(await pyClient(gw.port, "out = c.valueDisp('root.Example.Gain')")).toBe('5');
  });

  test('alarm states are coloured', async () => {
    await pyClient(gw.port, "c.setDisp('root.Example.Temperature', '90.0')");
    await p.waitForSelector(`${sel('Example.Example.Temperature')}.sev-major`);
    await pyClient(gw.port, "c.setDisp('root.Example.Temperature', '70.0')");
    await p.waitForSelector(`${sel('Example.Example.Temperature')}.sev-minor`);
    await pyClient(gw.port, "c.setDisp('root.Example.Temperature', '25.0')");
    await p.waitForFunction((s: string) => !document.querySelector(s)!.className.includes('sev-'), {}, sel('Example.Example.Temperature'));
  });

  test('hidden nodes are left out until asked for', async () => {
    const displayed = () => p.$eval(sel('Example.Time'), (e) => getComputedStyle(e).display !== 'none');
    expect(await displayed()).toBe(false);
    await p.click('#showHidden');
    expect(await displayed()).toBe(true);
    await p.click('#showHidden');
    expect(await displayed()).toBe(false);
  });

  test('the filter keeps matching rows and their ancestors', async () => {
    await p.type('#filter', 'calib');
    const visible = await p.$$eval('#rows tr', (rows) => rows.filter((r) => !r.classList.contains('filtered-out')).map((r) => (r as HTMLElement).dataset.path));
    expect(visible).toEqual(['Example', 'Example.Example', 'Example.Example.Calibration']);
    await p.$eval('#filter', (e) => ((e as HTMLInputElement).value = ''));
    await p.type('#filter', ' ');
    expect(await p.$$eval('#rows tr.filtered-out', (r) => r.length)).toBe(0);
  });

  test("PyDM's order: a device's variables, then its commands, then its devices", async () => {
    const kinds = await p.$$eval('#rows tr[data-path^="Example."]', (rows) =>
      rows.filter((r) => /^Example\.[^.]+$/.test((r as HTMLElement).dataset.path!)).map((r) => r.className.split(' ')[0]),
    );
    const rank = kinds.map((k) => ['variable', 'command', 'dev'].indexOf(k));
    expect(rank).toEqual([...rank].sort((a, b) => a - b));
    expect(new Set(rank)).toEqual(new Set([0, 1, 2]));
    const example = await p.$$eval('#rows tr[data-path^="Example.Example."]', (rows) => rows.map((r) => r.className.split(' ')[0]));
    expect(example.indexOf('command')).toBeGreaterThan(example.lastIndexOf('variable'));
  });

  test("a guiGroup is a collapsed row holding its members (AxiVersion's TestArray); it expands and collapses; the filter finds its members", async () => {
    await expand(p, 'Example.AxiVersion', 'Example.AxiVersion.ScratchPad');
    const group = 'tr[data-group="Example.AxiVersion/TestArray"]';
    await p.waitForSelector(`${group} .twisty`);
    const displayed = (path: string) => p.$eval(sel(path), (e) => getComputedStyle(e).display !== 'none');
    expect(await p.$eval(`${group} td.name`, (e) => e.textContent)).toBe('▸TestArray');
    await p.waitForSelector(sel('Example.AxiVersion.TestArray2[1]'));
    expect(await displayed('Example.AxiVersion.TestArray[0][0][0]')).toBe(false);
    // Its members follow the group row, not the other variables.
    const order = await p.$$eval('#rows tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.path ?? (r as HTMLElement).dataset.group!));
    const at = order.indexOf('Example.AxiVersion/TestArray');
    expect(order.slice(at + 1, at + 3)).toEqual(['Example.AxiVersion.TestArray[0][0][0]', 'Example.AxiVersion.TestArray[0][0][1]']);
    expect(order.indexOf('Example.AxiVersion.TestArray2[1]')).toBe(at + 68);
    await p.click(`${group} .twisty`);
    expect(await displayed('Example.AxiVersion.TestArray[0][0][0]')).toBe(true);
    expect(await displayed('Example.AxiVersion.TestArray2[1]')).toBe(true);
    expect(await shown(p, 'Example.AxiVersion.TestArray2[1]')).toBe('0');
    await p.click(`${group} .twisty`);
    expect(await displayed('Example.AxiVersion.TestArray[0][0][0]')).toBe(false);
    // Filtering shows a match inside the collapsed group, with the group row.
    await p.type('#filter', 'TestArray2[1');
    expect(await displayed('Example.AxiVersion.TestArray2[1]')).toBe(true);
    expect(await displayed('Example.AxiVersion.TestArray[0][0][0]')).toBe(false);
    expect(await p.$eval(group, (e) => getComputedStyle(e).display !== 'none')).toBe(true);
    await p.$eval('#filter', (e) => ((e as HTMLInputElement).value = ''));
    await p.type('#filter', ' ');
    expect(await displayed('Example.AxiVersion.TestArray2[1]')).toBe(false);
  });

  test('the SystemLog panel shows the log', async () => {
    // A command that raises (Add with a str) is logged by the tree (pyrogue's logException) into SystemLog.
    await runCommand(p, 'Example.Example.Add', 'x');
    await p.waitForFunction(() => document.querySelectorAll('#log .log-entry').length > 0);
    expect(await p.$eval('#log', (e) => e.textContent)).toMatch(/Add|int/);
  });
});

describe('against a Python pyrogue server (web --server)', () => {
  let fake: Proc & { port: number };
  let gw: Gateway;
  let p: Page;

  beforeAll(async () => {
    fake = await startFakeServer();
    running.push(fake);
    gw = await startGateway(['web', '--server', `127.0.0.1:${fake.port}`, '--http', '127.0.0.1:0']);
    running.push(gw);
    p = await page(gw.url);
    await expand(p, 'Root.Demo', 'Root.Demo.Int');
  });
  afterAll(async () => {
    await p.close();
    await gw.stop();
    await fake.stop();
  });

  test('the page shows the Python tree with its values', async () => {
    expect(await p.$eval('#title', (e) => e.textContent)).toBe('Root');
    expect(await shown(p, 'Root.Demo.Float')).toBe('1.500');
    expect(await p.$eval(`${sel('Root.Demo.Float')} .units`, (e) => e.textContent)).toBe('V');
    expect(await p.$$eval(`${sel('Root.Demo.Enum')} select option`, (os) => os.map((o) => o.textContent))).toEqual(['Zero', 'One', 'Two']);
  });

  test('a value set by a Python SimpleClient appears; a value set from the page is read back by Python', async () => {
    await pyClient(fake.port, "c.setDisp('root.Demo.Int', '21')");
    await waitShown(p, 'Root.Demo.Int', '21');
    await typeSet(p, 'Root.Demo.Int', '6');
    await waitFor(async () => (await pyClient(fake.port, "out = c.valueDisp('root.Demo.Int')")) === '6');
    await waitShown(p, 'Root.Demo.IntTimesTwo', '12');
  });

  test("a command with an argument, and a command's error", async () => {
    await pyClient(fake.port, "c.setDisp('root.Demo.Int', '3')");
    expect(await runCommand(p, 'Root.Demo.Multiply', '4')).toEqual({ ret: '→ 12', err: '' });
    expect(await runCommand(p, 'Root.Demo.Fail', null)).toEqual({ ret: '', err: 'ValueError: command failed on purpose' });
  });
});

describe('read-only', () => {
  test('the page hides every control', async () => {
    const gw = await serveWithHttp('example', ['--read-only']);
    running.push(gw);
    const p = await page(gw.url);
    try {
      await expand(p, 'Example.Example', 'Example.Example.Gain');
      expect(await p.$eval('#ro', (e) => (e as HTMLElement).hidden)).toBe(false);
      // Plot toggles stay: plotting sets nothing.
      expect(
        await p.$$eval('#rows input, #rows select, #rows button:not(.plot-toggle)', (es) => es.filter((e) => (e as HTMLElement).offsetParent !== null).length),
      ).toBe(0);
      expect(await p.$(`${sel('Example.Example.Gain')} .plot-toggle`)).not.toBeNull();
      expect(await shown(p, 'Example.Example.Gain')).toBe('2');
    } finally {
      await p.close();
      await gw.stop();
    }
  });
});

test('in the browser, a WebSocket from a page of another site is refused; from the page itself it opens', async () => {
  const gw = await serveWithHttp('example');
  running.push(gw);
  // Another site: a plain page on another port of this machine (no CSP of ours to stop it first).
  const evil = http.createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  const evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}/`;
  const p = await browser!.newPage();
  const own = await page(gw.url);
  try {
    const wsUrl = gw.url.replace(/^http/, 'ws').replace(/\/(\?.*)?$/, '/ws');
    const tryWs = (pg: Page) =>
      pg.evaluate(
        (u: string) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(u);
            ws.onopen = () => {
              ws.close();
              resolve('open');
            };
            ws.onerror = () => resolve('refused');
          }),
        wsUrl,
      );
    await p.goto(evilUrl);
    expect(await tryWs(p)).toBe('refused');
    await waitFor(async () => /refused a WebSocket .*origin http:\/\/127\.0\.0\.1:\d+\): cross-origin WebSocket refused/.test(gw.output()));
    expect(await tryWs(own)).toBe('open');
  } finally {
    await p.close();
    await own.close();
    evil.closeAllConnections();
    await new Promise((r) => evil.close(r));
    await gw.stop();
  }
});

describe('a long list and a lost gateway', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-web-'));
    // A device of 2,500 variables, then a device after it (tree order must hold), as a tree module.
    fs.writeFileSync(
      path.join(dir, 'long-tree.js'),
      `const t = require(${JSON.stringify(path.join(ROOT_DIR, 'dist', 'tree'))});
module.exports = () => {
  const root = new t.Root({ name: 'Long', pollEn: false });
  const big = new t.Device({ name: 'Big' });
  for (let i = 0; i < 2500; i++) big.add(new t.LocalVariable({ name: 'V' + String(i).padStart(4, '0'), value: BigInt(i), mode: 'RW' }));
  root.add(big);
  root.add(new t.Device({ name: 'After' }));
  return root;
};
`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("PyDM's Debug Tree: expand=True devices open on load, guiGroups, variables/commands/devices, a device's Read button", async () => {
    // Seen is a register of A's memory, which Poke changes behind the tree's back: a read of A (ReadDevice) shows
    // the new value; a write of A (WriteDevice) would put the old one back, and B's register is not read.
    fs.writeFileSync(
      path.join(dir, 'parity-tree.js'),
      `const t = require(${JSON.stringify(path.join(ROOT_DIR, 'dist', 'tree'))});
module.exports = () => {
  const mem = { A: new t.EmulatedMemory({ minAccess: 4 }), B: new t.EmulatedMemory({ minAccess: 4 }) };
  const reg = (name) => new t.RemoteVariable({ name, offset: 0, bitSize: 32, base: t.UInt, mode: 'RW', disp: '{:d}' });
  const root = new t.Root({ name: 'Parity', pollEn: false });
  const a = new t.Device({ name: 'A', expand: true, memBase: mem.A });
  const first = new t.Device({ name: 'First', expand: true, offset: 0x100 });
  first.add(reg('Deep'));
  const inGroup = new t.Device({ name: 'InGroup', expand: true, guiGroup: 'Grp' });
  inGroup.add(new t.LocalVariable({ name: 'Inner', value: 1n }));
  a.add(
    first,
    new t.LocalCommand({ name: 'Poke', value: 0n, function: () => { for (const m of [mem.A, mem.B]) for (const at of [0, 0x100]) m.poke(at, Uint8Array.of(42, 0, 0, 0)); } }),
    reg('Seen'),
    new t.LocalVariable({ name: 'G1', value: 1n, guiGroup: 'Grp' }),
    inGroup,
    new t.LocalVariable({ name: 'Last', value: 1n }),
  );
  const b = new t.Device({ name: 'B', memBase: mem.B });
  b.add(reg('Seen'));
  root.add(a, b);
  return root;
};
`,
    );
    const gw = await serveWithHttp(path.join(dir, 'parity-tree.js'));
    running.push(gw);
    const p = await page(gw.url);
    try {
      // No click: A (expand=True) and First inside it open; B (expand=False) and InGroup (in a group) do not.
      await p.waitForFunction(() => document.querySelector('tr[data-path="Parity.A.First.Deep"] td.mode')?.textContent === 'RW');
      await p.waitForFunction(() => document.querySelector('tr[data-path="Parity.A.Last"] td.mode')?.textContent === 'RW');
      expect(await p.$eval(`${sel('Parity.B')} .twisty`, (e) => e.textContent)).toBe('▸');
      expect(await p.$(sel('Parity.B.Seen'))).toBeNull();
      expect(await p.$(sel('Parity.A.InGroup.Inner'))).toBeNull();
      const order = await p.$$eval('#rows tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.path ?? `group ${(r as HTMLElement).dataset.group!}`));
      expect(order.filter((x) => x.startsWith('Parity.A.') || x.startsWith('group Parity.A/'))).toEqual([
        'Parity.A.enable',
        'Parity.A.Seen',
        'group Parity.A/Grp',
        'Parity.A.G1',
        'Parity.A.InGroup',
        'Parity.A.Last',
        'Parity.A.ReadDevice',
        'Parity.A.WriteDevice',
        'Parity.A.Poke',
        'Parity.A.First',
        'Parity.A.First.enable',
        'Parity.A.First.Deep',
        'Parity.A.First.ReadDevice',
        'Parity.A.First.WriteDevice',
      ]);
      const displayed = (x: string) => p.$eval(sel(x), (e) => getComputedStyle(e).display !== 'none');
      expect(await displayed('Parity.A.G1')).toBe(false);
      await p.click('tr[data-group="Parity.A/Grp"] .twisty');
      expect(await displayed('Parity.A.G1')).toBe(true);
      expect(await displayed('Parity.A.InGroup')).toBe(true);

      // Read: ReadDevice(True) on A shows what Poke put in A's memory, in A and (True: recursively) in First; B, not read, still shows 0.
      await expand(p, 'Parity.B', 'Parity.B.Seen');
      expect(await shown(p, 'Parity.A.Seen')).toBe('0');
      expect(await shown(p, 'Parity.A.First.Deep')).toBe('0');
      await pyClient(gw.port, "c.exec('root.A.Poke')");
      expect(await shown(p, 'Parity.A.Seen')).toBe('0');
      expect(await p.$eval(`${sel('Parity.A')} td.cmd button`, (e) => e.textContent)).toBe('Read');
      await p.click(`${sel('Parity.A')} td.cmd button`);
      await waitShown(p, 'Parity.A.Seen', '42');
      await waitShown(p, 'Parity.A.First.Deep', '42');
      await p.waitForFunction(() => document.querySelector('tr[data-path="Parity.A"] .ret')?.textContent === '✓');
      expect(await shown(p, 'Parity.B.Seen')).toBe('0');
      // Variables, commands and groups have no Read button.
      expect(await p.$(`${sel('Parity.A.Seen')} td.cmd button`)).toBeNull();
      expect(await p.$('tr[data-group="Parity.A/Grp"] td.cmd button')).toBeNull();
    } finally {
      await p.close();
      await gw.stop();
    }
  });

  test('a device of 2,500 variables shows every row in tree order, with values', async () => {
    const gw = await serveWithHttp(path.join(dir, 'long-tree.js'));
    running.push(gw);
    const p = await page(gw.url);
    try {
      await expand(p, 'Long.Big', 'Long.Big.V0000');
      await p.waitForFunction(() => document.querySelectorAll('#rows tr').length >= 2500, { timeout: 60000 });
      await waitShown(p, 'Long.Big.V2499', '2499');
      const order = await p.$$eval('#rows tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.path!));
      const vars = Array.from({ length: 2500 }, (_, i) => `Long.Big.V${String(i).padStart(4, '0')}`);
      expect(order.filter((x) => x === 'Long.Big' || x.startsWith('Long.Big.') || x === 'Long.After')).toEqual([
        'Long.Big',
        'Long.Big.enable',
        ...vars,
        'Long.Big.ReadDevice',
        'Long.Big.WriteDevice',
        'Long.After',
      ]);
      // A value changed on the server reaches a row far down the list.
      await pyClient(gw.port, "c.setDisp('root.Big.V2400', '7')");
      await waitShown(p, 'Long.Big.V2400', '7');
    } finally {
      await p.close();
      await gw.stop();
    }
  });

  test('the page reconnects by itself when the gateway comes back, and expands again what was open', async () => {
    const fake = await startFakeServer();
    running.push(fake);
    const httpPort = await freeBasePort(1);
    const args = ['web', '--server', `127.0.0.1:${fake.port}`, '--http', `127.0.0.1:${httpPort}`];
    let gw = await startGateway(args);
    running.push(gw);
    const p = await page(gw.url);
    try {
      await expand(p, 'Root.Demo', 'Root.Demo.Int');
      await gw.stop();
      await p.waitForFunction(() => document.getElementById('conn')!.className.includes('down'));
      expect(await p.$eval('#conn', (e) => e.textContent)).toMatch(/gateway unreachable/);
      gw = await startGateway(args);
      running.push(gw);
      await p.waitForFunction(() => document.getElementById('conn')!.textContent === 'connected', { timeout: 30000 });
      await p.waitForFunction(() => document.querySelector('tr[data-path="Root.Demo.Int"] td.mode')?.textContent === 'RW', { timeout: 30000 });
      await pyClient(fake.port, "c.setDisp('root.Demo.Int', '77')");
      await waitShown(p, 'Root.Demo.Int', '77');
    } finally {
      await p.close();
      await gw.stop();
      await fake.stop();
    }
  });
});

async function waitFor(cond: () => Promise<boolean>, limitMs = 20000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
