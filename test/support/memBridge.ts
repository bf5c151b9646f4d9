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
