/**
 * An unknown host is not a stopped server: the Node clients and the CLI say the
 * host name does not resolve (ClientConnectionError, code ENOTFOUND) at once,
 * instead of waiting for a reply timeout. (`.invalid` never resolves, RFC 6761.)
 * A known host with nothing listening still gives the bounded timeout.
 */
import { ClientConnectionError, ClientTimeoutError, SimpleClient, VirtualClient } from '../src/client';
import { cli, ensureBuilt } from '../test/support/cliRun';

const HOST = 'no-such-host.invalid';
jest.setTimeout(30000);

test('SimpleClient: unknown host → ClientConnectionError ENOTFOUND, without waiting for the timeout', async () => {
  const c = new SimpleClient({ addr: HOST, port: 9099, timeout: 10000 });
  const t0 = Date.now();
  try {
    const e = await c.get('root.RogueVersion').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClientConnectionError);
    expect((e as ClientConnectionError).code).toBe('ENOTFOUND');
    expect((e as Error).message).toBe(`unknown host '${HOST}' (ENOTFOUND): cannot reach a pyrogue server at ${HOST}:9099`);
    expect(Date.now() - t0).toBeLessThan(5000);
  } finally {
    await c.close();
  }
});

test('VirtualClient.connect: unknown host → ClientConnectionError ENOTFOUND, no handshake retries', async () => {
  const t0 = Date.now();
  const e = await VirtualClient.connect({ addr: HOST, port: 9099, connectTimeout: 10000 }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ClientConnectionError);
  expect((e as ClientConnectionError).code).toBe('ENOTFOUND');
  expect(Date.now() - t0).toBeLessThan(5000);
});

test('a resolvable host with no server: still the bounded timeout', async () => {
  const c = new SimpleClient({ addr: 'localhost', port: 1 + 4 * Math.floor(Math.random() * 100), timeout: 300 });
  try {
    await expect(c.get('root.X')).rejects.toBeInstanceOf(ClientTimeoutError);
  } finally {
    await c.close();
  }
});

test('the CLI: unknown host named, exit 1', async () => {
  await ensureBuilt();
  const r = await cli(['--server', `${HOST}:9099`, 'get', 'root.RogueVersion']);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain(`unknown host '${HOST}'`);
});
