/** Helpers for the memory TCP bridge tests: the Python stand-ins, and AxiVersion trees over a bridge. */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import execa from 'execa';
import { MemoryTcpServer } from '../../src/bridge/server';
import type { MemoryBackend } from '../../src/tree/memory';
import { AxiVersion } from '../../src/examples/axiversion';
import { Root } from '../../src/tree/root';
import { EmulatedMemory } from '../../src/tree/memory';
import { freeBasePort, FIXTURES, PYTHON } from './matrixKit';
import * as fs from 'fs';
import { PyDict, PyTuple } from '../../src/py/values';
import { fromCanon } from './canon';
import { canonReply, GOLDEN } from './tree';

export interface PyServer {
  proc: ChildProcess;
  port: number;
  stderr: string[];
  stop(): Promise<void>;
}

/** python-fixtures/memtcp_server.py on `port` (a fresh free one by default), once it prints READY. */
export async function startPyServer(args: string[] = [], port?: number): Promise<PyServer> {
  const p = port ?? (await freeBasePort());
  const proc = spawn(PYTHON, [path.join(FIXTURES, 'memtcp_server.py'), String(p), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  proc.stderr.on('data', (d) => stderr.push(String(d)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('memtcp_server.py did not start: ' + stderr.join(''))), 15000);
    proc.stdout.on('data', (d) => {
      out += String(d);
      if (out.includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.on('exit', (code) => reject(new Error(`memtcp_server.py exited ${code}: ${stderr.join('')}`)));
  });
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  return {
    proc,
    port: p,
    stderr,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs python-fixtures/memtcp_client.py against `port` with a script; its JSON answer. */
export async function runPyClient(port: number, script: unknown[]): Promise<{ ready: boolean; results: ([string, string] | null)[]; unknown: number }> {
  const r = await execa(PYTHON, [path.join(FIXTURES, 'memtcp_client.py'), String(port), JSON.stringify(script)], { timeout: 30000 });
  return JSON.parse(r.stdout);
}

/** A MemoryTcpServer on a free base port. */
export async function startOurServer(memory: MemoryBackend, warnings: string[] = []): Promise<MemoryTcpServer> {
  for (;;) {
    const server = new MemoryTcpServer({ memory, port: await freeBasePort(), logger: { warn: (m) => warnings.push(m) } });
    try {
      await server.start();
      return server;
    } catch {
      /* port taken meanwhile: another */
    }
  }
}

/** The reference tree's AxiVersion on `memory`, started. */
export async function axiTree(memory: MemoryBackend): Promise<{ root: Root; dev: AxiVersion }> {
  const root = new Root({ name: 'Root', description: 'Reference root', pollEn: false, heartbeatMs: 0 });
  const dev = new AxiVersion({ memBase: memory, offset: 0 });
  root.add(dev);
  await root.start();
  return { root, dev };
}

export { EmulatedMemory };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const FAMILIES = new Set(['read', 'write', 'cmd']);

/** The golden read, write and cmd exchanges of the reference tree's AxiVersion (golden/transcript.jsonl). */
export const axiExchanges: any[] = fs
  .readFileSync(path.join(GOLDEN, 'transcript.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.includes('AxiVersion'))
  .map((l) => JSON.parse(l))
  .filter((e) => {
    const p = new Map<string, any>(e.request.dict).get('path');
    return FAMILIES.has(e.id.split(':')[0]) && typeof p === 'string' && (p === 'Root.AxiVersion' || p.startsWith('Root.AxiVersion.'));
  });

/** Replays `axiExchanges` on an AxiVersion tree over `memory`: the ids of the exchanges whose reply matches the recording. */
export async function replayAxi(memory: MemoryBackend): Promise<string[]> {
  const { root } = await axiTree(memory);
  const passed: string[] = [];
  for (const e of axiExchanges) {
    const req = new Map<string, any>(e.request.dict);
    const attr: string | null = req.get('attr');
    const args = (fromCanon(req.get('args')) as PyTuple).items;
    const kwargs = fromCanon(req.get('kwargs')) as PyDict;
    const got = await canonReply(root, req.get('path'), attr, args, kwargs);
    await root.waitOnUpdate();
    if (same(got, e.reply)) passed.push(e.id);
  }
  await root.stop();
  return passed;
}
