/**
 * The Node clients against a live TypeScript server serving the reference
 * tree: every SimpleClient call, a VirtualClient walk of the whole tree,
 * listeners, the link monitor, and the bounded waits of a dead server.
 */
import { ClientClosedError, ClientConnectionError, ClientTimeoutError, RemoteError } from '../src/client/errors';
import { parseServer } from '../src/client/channel';
import { SimpleClient } from '../src/client/simple';
import { RemoteVariableValue, kw, pyFloat, toJs, toPy } from '../src/client/values';
import { VirtualClient, VirtualNode } from '../src/client/virtual';
import { serve, type ServeHandle } from '../src/server/serve';
import { silentLogger } from '../src/server/zmqServer';
import { NdArray, PyDict, PyTuple, PyValue } from '../src/py/values';
import { BaseVariable, Node, Root } from '../src/tree';

jest.setTimeout(30000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

async function serveReference(port?: number): Promise<ServeHandle> {
  for (let i = 0; ; i++) {
    const p = port ?? 20000 + 4 * Math.floor(Math.random() * 9000);
    try {
      return await serve({ tree: 'reference', addr: '127.0.0.1', port: p, logger: silentLogger });
    } catch (e) {
      if (port !== undefined || i > 20) throw e;
    }
  }
}

/** A port nothing listens on. */
const deadPort = () => 60000 + 4 * Math.floor(Math.random() * 1000);

describe('SimpleClient against the TS server', () => {
  let h: ServeHandle;
  let c: SimpleClient;
  beforeAll(async () => {
    h = await serveReference();
    c = new SimpleClient({ addr: '127.0.0.1', port: h.port, timeout: 5000 });
  });
  afterAll(async () => {
    c.close();
    await h.close();
  });

  test('get, getDisp, value, valueDisp (root alias and real name)', async () => {
    expect(await c.getDisp('root.RogueVersion')).toBe('v6.15.0');
    expect(await c.get('Root.Demo.Int')).toBe(1n);
    expect(await c.value('root.Demo.Float')).toBe(1.5);
    expect(await c.valueDisp('root.Demo.Float')).toBe('1.500');
    expect(await c.getDisp('root.Demo.HexDisp')).toBe('0xff');
    expect(await c.value('root.Demo.BigInt')).toBe(2n ** 64n - 1n);
    expect(await c.value('root.Demo.Text')).toBe('hello');
    expect(await c.value('root.Demo.Bool')).toBe(false);
    expect(await c.value('root.Demo.List')).toEqual([1n, 2n, 3n]);
    const arr = await c.value('root.Demo.Array');
    expect(arr).toBeInstanceOf(NdArray);
    expect(toJs(arr)).toEqual([0.5, 1.5, 2.5]);
    expect(await c.valueDisp('root.Demo.Enum')).toBe('Zero');
  });

  test('set, setDisp and exec', async () => {
    expect(await c.set('root.Demo.Int', 5)).toBeNull();
    expect(await c.value('root.Demo.Int')).toBe(5n);
    expect(await c.value('root.Demo.IntTimesTwo')).toBe(10n);
    await c.set('root.Demo.Float', pyFloat(2));
    expect(await c.valueDisp('root.Demo.Float')).toBe('2.000');
    await c.set('root.Demo.Float', 2.5);
    expect(await c.value('root.Demo.Float')).toBe(2.5);
    expect(await c.setDisp('root.Demo.Enum', 'Two')).toBeNull();
    expect(await c.value('root.Demo.Enum')).toBe(2n);
    await c.setDisp('root.Demo.HexDisp', '0x100');
    expect(await c.valueDisp('root.Demo.HexDisp')).toBe('0x100');
    await c.set('root.Demo.List', [4, 5]);
    expect(await c.value('root.Demo.List')).toEqual([4n, 5n]);
    expect(await c.exec('root.Demo.Multiply', 4)).toBe(12n);
    expect(await c.exec('root.Demo.Echo', 'ping')).toBe('ping');
    expect(await c.exec('root.Demo.NoArg')).toBeNull();
  });

  test('remoteAttr with positional and keyword arguments', async () => {
    await c.remoteAttr('root.Demo.Int', 'set', [7], { write: true });
    expect(await c.remoteAttr('root.Demo.Int', 'value')).toBe(7n);
    const vv = await c.remoteAttr('root.Demo.Int', 'getVariableValue', [], { read: false });
    expect(vv).toBeInstanceOf(RemoteVariableValue);
    expect((vv as RemoteVariableValue).valueDisp).toBe('7');
    expect(await c.remoteAttr('root.Demo.Float', 'disp')).toBe('{:1.3f}');
  });

  test('a missing path gives null; server exceptions reject with RemoteError', async () => {
    expect(await c.get('root.Demo.Missing')).toBeNull();
    expect(await c.valueDisp('Nope.Demo.Int')).toBeNull();
    await expect(c.exec('root.Demo.Fail')).rejects.toMatchObject({
      name: 'RemoteError',
      pyType: 'builtins.ValueError',
      message: 'command failed on purpose',
    });
    const e = await c.setDisp('root.Demo.Int', 'abc').catch((x) => x);
    expect(e).toBeInstanceOf(RemoteError);
    expect(e).toBeInstanceOf(Error);
    expect(e.pyType).toBe('pyrogue._Variable.VariableError');
    expect(e.message).toMatch(/^Invalid value abc for variable Int/);
    expect(e.request).toEqual({ path: 'root.Demo.Int', attr: 'setDisp' });
    await expect(c.remoteAttr('root.Demo.Int', 'noSuchAttr')).rejects.toMatchObject({ pyType: 'builtins.AttributeError' });
    // The client keeps working after errors.
    expect(await c.getDisp('root.RogueVersion')).toBe('v6.15.0');
  });

  test('many requests without waiting are answered in order', async () => {
    const ps = [];
    for (let i = 0; i < 50; i++) ps.push(c.exec('root.Demo.Echo', `m${i}`));
    expect(await Promise.all(ps)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
  });

  test('update callback gets (path, VariableValue) for published variables', async () => {
    const got: [string, RemoteVariableValue][] = [];
    const sc = new SimpleClient('127.0.0.1', h.port, (p, v) => got.push([p, v]));
    try {
      for (let i = 0; i < 50 && !got.some(([p]) => p === 'Root.Demo.Text'); i++) {
        await sc.set('root.Demo.Text', `t${i}`);
        await sleep(50);
      }
      const hit = got.find(([p]) => p === 'Root.Demo.Text')!;
      expect(hit[1]).toBeInstanceOf(RemoteVariableValue);
      expect(hit[1].disp).toBe('{}');
      expect(typeof hit[1].value).toBe('string');
      expect(hit[1].valueDisp).toBe(hit[1].value);
    } finally {
      sc.close();
    }
  });
});

describe('VirtualClient against the TS server', () => {
  let h: ServeHandle;
  let client: VirtualClient;
  beforeAll(async () => {
    h = await serveReference();
    client = await VirtualClient.connect({ addr: '127.0.0.1', port: h.port, timeout: 5000 });
  });
  afterAll(async () => {
    client.close();
    await h.close();
  });

  test('the root and its metadata', () => {
    const root = client.root;
    expect(root.name).toBe('Root');
    expect(root.path).toBe('Root');
    expect(root.className).toBe('ReferenceRoot');
    expect(root.isRoot).toBe(true);
    expect(root.isinstance('pyrogue._Root.Root')).toBe(true);
    expect(root.loaded).toBe(true); // the handshake loads the root's children (Root.Time)
    expect(root.childNames).toContain('Demo');
    expect(root.childNames).toContain('RogueVersion');
    expect(root.propNames).toContain('running');
    expect(Object.keys(root.funcs)).toContain('getYaml');
  });

  test('walking the whole tree mirrors the served tree', async () => {
    const tsRoot = h.root as unknown as Root;
    const visited: VirtualNode[] = [];
    const walk = async (n: VirtualNode) => {
      visited.push(n);
      for (const ch of (await n.nodes()).values()) await walk(ch);
    };
    await walk(client.root);
    expect(visited.length).toBeGreaterThan(40);
    for (const v of visited) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- states the node type the test expects
      const real = tsRoot.getNode(v.path) as Node | null;
      expect(real).not.toBeNull();
      expect(v.name).toBe(real!.name);
      expect(v.description).toBe(real!.description);
      expect(v.groups).toEqual(real!.groups);
      expect(v.hidden).toBe(real!.groups.includes('Hidden'));
      expect(v.isVariable).toBe(real instanceof BaseVariable && !v.isCommand);
    }
    const paths = visited.map((v) => v.path);
    expect(paths).toContain('Root.Demo.Chan[1]');
    expect(paths).toContain('Root.Demo.HiddenVar');
    expect(paths).not.toContain('Root.Demo.NoServeVar');
    // Every variable's valueDisp through the mirror equals the SimpleClient's.
    const sc = new SimpleClient({ addr: '127.0.0.1', port: h.port });
    try {
      for (const v of visited.filter((x) => x.isVariable && !x.path.includes('Time') && !x.path.includes('SystemLog'))) {
        expect([v.path, await v.valueDisp()]).toEqual([v.path, await sc.valueDisp(v.path)]);
      }
    } finally {
      sc.close();
    }
  });

  test('connect(addr, port) positional form', async () => {
    const c2 = await VirtualClient.connect('127.0.0.1', h.port, { timeout: 3000 });
    try {
      expect(c2.root.name).toBe('Root');
      expect(c2.address).toBe(`127.0.0.1:${h.port}`);
    } finally {
      c2.close();
    }
  });

  test('getNode with the root alias, lazily', async () => {
    const demo = await client.getNode('root.Demo');
    expect(demo).not.toBeNull();
    expect(demo!.isDevice).toBe(true);
    const int = await client.getNode('Root.Demo.Int');
    expect(int!.parent).toBe(demo);
    expect(await client.getNode('root.Demo.NoServeVar')).toBeNull();
    expect(await client.getNode('root.Nope.Int')).toBeNull();
    expect(await client.getNode('Other.Demo')).toBeNull();
    expect(await client.getNode('root')).toBe(client.root);
    expect(await demo!.child('Chan[2]')).toBe(await client.getNode('root.Demo.Chan[2]'));
  });

  test('props as async getters, funcs as async calls (positional and keyword)', async () => {
    const f = (await client.getNode('root.Demo.Float'))!;
    expect(await f.prop('disp')).toBe('{:1.3f}');
    expect(await f.prop('units')).toBe('V');
    expect(await f.prop('maximum')).toBe(10.0);
    const props = await f.props();
    expect(props.mode).toBe('RW');
    expect(props.typeStr).toBe('float');
    expect(await f.$.units).toBe('V');
    await expect(f.prop('nope')).rejects.toThrow(/no remote property 'nope'/);

    const int = (await client.getNode('root.Demo.Int'))!;
    expect(int.funcs.set.args[0]).toBe('value');
    await int.set(21, { write: true });
    expect(await int.get({ read: false })).toBe(21n);
    expect(await int.value()).toBe(21n);
    expect(await int.valueDisp()).toBe('21');
    await int.setDisp('22');
    expect(await int.getDisp()).toBe('22');
    await int.call('set', 23, kw({ write: true }));
    expect(await int.$.value()).toBe(23n);
    const vv = await int.getVariableValue({ read: false });
    expect([vv.value, vv.valueDisp, vv.status, vv.severity]).toEqual([23n, '23', 'None', 'None']);
    await expect(int.call('nope')).rejects.toThrow(/no remote function 'nope'/);
    await expect(int.set('x')).rejects.toBeInstanceOf(RemoteError);
    const alarm = (await client.getNode('root.Demo.Float'))!;
    await alarm.set(9.5);
    expect((await alarm.getVariableValue()).severity).toBe('AlarmMajor');
    await alarm.set(1.5);
  });

  test('commands are callable; errors are RemoteErrors', async () => {
    const m = (await client.getNode('root.Demo.Multiply'))!;
    expect(m.isCommand && m.isCallable && !m.isVariable).toBe(true);
    expect(await m.exec(4)).toBe(12n);
    expect(await m.call('call', 5)).toBe(15n);
    expect(await m.prop('arg')).toBe(true);
    expect(await client.tree.Demo.Multiply(6)).toBe(18n);
    expect(await client.tree.Demo.Echo('hi')).toBe('hi');
    await client.tree.Demo.Int.set(3);
    expect(await client.tree.Demo.Int.value()).toBe(3n);
    expect(await client.tree.root.Demo.Float.disp()).toBe('{:1.3f}');
    await expect(client.tree.Demo.Fail()).rejects.toMatchObject({ pyType: 'builtins.ValueError' });
    await expect(client.tree.Demo.Nope.set(1)).rejects.toThrow(/no node Root.Demo.Nope/);
    await expect((await client.getNode('root.Demo.Int'))!.exec()).rejects.toThrow(/not a command/);
  });

  test('listeners: node addListener and client var-listeners', async () => {
    const text = (await client.getNode('root.Demo.Text'))!;
    const mine: [string, PyValue][] = [];
    const all: string[] = [];
    const l = (p: string, v: RemoteVariableValue) => mine.push([p, v.value]);
    text.addListener(l);
    const vl = (p: string) => all.push(p);
    client.root.addVarListener(vl);
    await text.set('one');
    await until(() => mine.some(([, v]) => v === 'one'));
    expect(mine.find(([, v]) => v === 'one')![0]).toBe('Root.Demo.Text');
    await until(() => all.includes('Root.Demo.Text'));
    text.delListener(l);
    client.delVarListener(vl);
    const n = mine.length;
    await text.set('two');
    await sleep(300);
    expect(mine.length).toBe(n);
  });
});

describe('link monitor, timeouts and close', () => {
  test('the link drops when the server goes away and comes back with it', async () => {
    let h = await serveReference();
    const port = h.port;
    const client = await VirtualClient.connect({ addr: '127.0.0.1', port, linkTimeout: 2.5, timeout: 2000 });
    const states: boolean[] = [];
    client.addLinkMonitor((up) => states.push(up));
    try {
      expect(client.linked).toBe(true);
      await sleep(3000); // heartbeats (1 Hz) keep it up
      expect(states).toEqual([]);
      await h.close();
      await until(() => states.length === 1, 8000);
      expect(states).toEqual([false]);
      expect(client.linked).toBe(false);
      h = await serveReference(port);
      await until(() => states.length === 2, 8000);
      expect(states).toEqual([false, true]);
      expect(await client.tree.Demo.Int.value()).toBe(1n);
    } finally {
      client.close();
      await h.close();
    }
  });

  test('a dead server: bounded wait, then an error naming the address; later requests still work', async () => {
    const port = deadPort();
    const c = new SimpleClient({ addr: '127.0.0.1', port, timeout: 300 });
    try {
      const t0 = Date.now();
      const e = await c.getDisp('root.RogueVersion').catch((x) => x);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(e).toBeInstanceOf(ClientTimeoutError);
      expect(e.message).toContain(`127.0.0.1:${port}`);
      expect(e.address).toBe(`127.0.0.1:${port}`);
      // REQ relaxed: no EFSM on the next request, it times out again.
      await expect(c.value('root.Demo.Int')).rejects.toBeInstanceOf(ClientTimeoutError);
    } finally {
      c.close();
    }
  });

  test('a server that appears after a timeout is reached on the same client', async () => {
    const port = 20000 + 4 * Math.floor(Math.random() * 9000);
    const c = new SimpleClient({ addr: '127.0.0.1', port, timeout: 300 });
    let h: ServeHandle | null = null;
    try {
      await expect(c.getDisp('root.RogueVersion')).rejects.toBeInstanceOf(ClientTimeoutError);
      h = await serveReference(port);
      c.timeout = 3000;
      let v: PyValue = null;
      for (let i = 0; i < 10 && v === null; i++) v = await c.getDisp('root.RogueVersion').catch(() => null);
      expect(v).toBe('v6.15.0');
    } finally {
      c.close();
      await h?.close();
    }
  });

  test('VirtualClient.connect to nothing: ClientConnectionError within the connect timeout', async () => {
    const port = deadPort();
    const t0 = Date.now();
    const e = await VirtualClient.connect({ addr: '127.0.0.1', port, connectTimeout: 800 }).catch((x) => x);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(e).toBeInstanceOf(ClientConnectionError);
    expect(e.message).toContain(`127.0.0.1:${port}`);
  });

  test('close() rejects pending and later requests with ClientClosedError', async () => {
    const c = new SimpleClient({ addr: '127.0.0.1', port: deadPort(), timeout: 5000 });
    const p = c.get('root.X');
    await sleep(50);
    c.close();
    await expect(p).rejects.toBeInstanceOf(ClientClosedError);
    await expect(c.get('root.X')).rejects.toBeInstanceOf(ClientClosedError);
  });
});

describe('argument and value conversion', () => {
  test('toPy: JS values as Python values', () => {
    expect(toPy(3)).toBe(3n);
    expect(toPy(3.5)).toBe(3.5);
    expect(toPy(pyFloat(3))).toBe(3);
    expect(toPy(2n ** 70n)).toBe(2n ** 70n);
    expect(toPy(undefined)).toBeNull();
    expect(toPy([1, 'a', true])).toEqual([1n, 'a', true]);
    const d = toPy({ a: 1, b: [2.5] }) as PyDict;
    expect(d).toBeInstanceOf(PyDict);
    expect(d.get('a')).toBe(1n);
    const t = PyTuple.of(1n);
    expect(toPy(t)).toBe(t);
    expect(() => toPy(() => 1)).toThrow(TypeError);
  });

  test('toJs: Python values as plain JS', () => {
    expect(toJs(5n)).toBe(5);
    expect(toJs(2n ** 64n)).toBe(2n ** 64n);
    expect(toJs(PyTuple.of(1n, 'x'))).toEqual([1, 'x']);
    expect(toJs(PyDict.from({ a: 1n }))).toEqual({ a: 1 });
  });

  test('parseServer: pyrogue --server forms', () => {
    expect(parseServer('127.0.0.1:9099')).toEqual({ addr: '127.0.0.1', port: 9099 });
    expect(parseServer('host:1234,other:5')).toEqual({ addr: 'host', port: 1234 });
    expect(parseServer('myhost')).toEqual({ addr: 'myhost', port: 9099 });
    expect(parseServer(':9200')).toEqual({ addr: 'localhost', port: 9200 });
    expect(() => parseServer('h:notaport')).toThrow();
  });
});
