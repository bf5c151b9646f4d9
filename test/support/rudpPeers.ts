/**
 * Processes on the other end of an RUDP link, for the interop tests: the clean-room Python
 * peer (python-fixtures/rudp_peer.py), real rogue (python-fixtures/rogue_rudp.py, real tier
 * only), and our own `pyrogue-ts fpga-emu`; plus our client stack over UDP.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import execa from 'execa';
import { RudpLink } from '../../src/protocols/rudp';
import { SrpV3 } from '../../src/protocols/srp/srp';
import { connectPair } from '../../src/stream/master';
import { CLI, FIXTURES, PYTHON, ROOT_DIR } from './matrixKit';

export interface Peer {
  port: number;
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL: gone without a word (no RSSI reset). */
  kill(): Promise<void>;
}

/** Spawns `cmd args`, waits for a line matching `ready` (its group 1 is the port). */
async function spawnPeer(cmd: string, args: string[], ready: RegExp, what: string, closeStdin: boolean): Promise<Peer> {
  const proc: ChildProcess = spawn(cmd, args, { cwd: ROOT_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 60000);
    const check = () => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${what} exited:\n${out}`));
    });
  });
  return {
    port,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        if (closeStdin) proc.stdin!.end();
        else proc.kill('SIGINT');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The Python stand-in as an FPGA (RSSI server + packetizer + SRPv3 registers). */
export function startPyFpga(pack: 1 | 2, jumbo: boolean): Promise<Peer> {
  return spawnPeer(
    PYTHON,
    [path.join(FIXTURES, 'rudp_peer.py'), 'server', '0', '--pack', String(pack), ...(jumbo ? ['--jumbo'] : []), '--ib-crc'],
    /READY (\d+)/,
    'rudp_peer.py server',
    true,
  );
}

/** rogue's own server stack + SrpV3Emulation (real tier), on `port` (0: any free one). */
export function startRogueFpga(pack: 1 | 2, jumbo: boolean, port = 0): Promise<Peer> {
  return spawnPeer(
    PYTHON,
    [path.join(FIXTURES, 'rogue_rudp.py'), 'fpga', String(port), '--pack', String(pack), ...(jumbo ? ['--jumbo'] : [])],
    /READY (\d+)/,
    'rogue_rudp.py fpga',
    true,
  );
}

/** `pyrogue-ts fpga-emu --port 0 …`. */
export function startFpgaEmuCli(extra: string[] = []): Promise<Peer> {
  return spawnPeer('node', [CLI, 'fpga-emu', '--port', '0', ...extra], /on UDP [\d.]+:(\d+)/, 'pyrogue-ts fpga-emu', false);
}

/** A transaction of a script; a fourth element true: run alone (rogue_rudp.py client: the Master's error is its own). */
export type Op = ['read' | 'verify', number, number, boolean?] | ['write' | 'post', number, string, boolean?];
export interface ClientRun {
  open: boolean;
  results: (['ok', string] | ['error', string] | null)[];
  counters?: Record<string, number>;
  net?: Record<string, unknown>;
}

/** The last JSON line of a fixture's output. */
function lastJson(stdout: string): ClientRun {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"open"'));
  if (!line) throw new Error(`no result line in:\n${stdout}`);
  return JSON.parse(line) as ClientRun;
}

/** The Python stand-in as a client running `script` against 127.0.0.1:port. */
export async function runPyClient(port: number, pack: 1 | 2, jumbo: boolean, script: Op[], inflight = 4): Promise<ClientRun> {
  const r = await execa(
    PYTHON,
    [
      path.join(FIXTURES, 'rudp_peer.py'),
      'client',
      String(port),
      '--pack',
      String(pack),
      ...(jumbo ? ['--jumbo'] : []),
      '--ib-crc',
      '--inflight',
      String(inflight),
      JSON.stringify(script),
    ],
    {
      timeout: 60000,
    },
  );
  return lastJson(r.stdout);
}

/** A real pyrogue Root with UdpRssiPack + SrpV3 running `script` against 127.0.0.1:port (real tier). */
export async function runRogueClient(port: number, pack: 1 | 2, jumbo: boolean, script: Op[], inflight = 4): Promise<ClientRun> {
  const r = await execa(
    PYTHON,
    [
      path.join(FIXTURES, 'rogue_rudp.py'),
      'client',
      String(port),
      '--pack',
      String(pack),
      ...(jumbo ? ['--jumbo'] : []),
      '--inflight',
      String(inflight),
      JSON.stringify(script),
    ],
    {
      timeout: 90000,
      reject: false,
    },
  );
  if (r.exitCode !== 0) throw new Error(`rogue_rudp.py client exit ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
  return lastJson(r.stdout);
}

/** Our client stack (RudpLink + SrpV3) over UDP to 127.0.0.1:port, open. */
export async function ourClient(port: number, pack: 1 | 2, jumbo: boolean, warnings: string[] = []): Promise<{ link: RudpLink; srp: SrpV3 }> {
  const link = new RudpLink({
    port,
    packVer: pack,
    jumbo,
    log: (l, m) => l === 'warning' && !/Dropping out of window|Retran frame|duplicate/.test(m) && warnings.push(m),
  });
  const srp = new SrpV3({ timeout: 5, logger: { warn: (m) => warnings.push(m) } });
  connectPair(srp, link.application(0));
  await link.start(false);
  if (!(await link.waitOpen(20000))) {
    await link.close();
    throw new Error(`RSSI did not open to 127.0.0.1:${port}`);
  }
  return { link, srp };
}

/** A script exercising every transaction type, small and 4 KiB, and what it must return. */
export function standardScript(): { script: Op[]; expected: (['ok', string] | ['error', string])[] } {
  const block = Buffer.alloc(4096);
  for (let i = 0; i < block.length; i++) block[i] = (i * 13 + 5) & 0xff;
  const big = block.toString('hex');
  const script: Op[] = [
    ['write', 0x100, '1122334455667788'],
    ['read', 0x100, 8],
    ['post', 0x104, 'aabbccdd'],
    ['verify', 0x100, 8],
    ['write', 0x10000, big],
    ['read', 0x10000, 4096],
    ['read', 0x10ff0, 16],
    ['write', 0x1_0000_0000, 'deadbeef'],
    ['read', 0x1_0000_0000, 4],
  ];
  const expected: (['ok', string] | ['error', string])[] = [
    ['ok', '1122334455667788'],
    ['ok', '1122334455667788'],
    ['ok', 'aabbccdd'],
    ['ok', '11223344aabbccdd'],
    ['ok', big],
    ['ok', big],
    ['ok', big.slice(0xff0 * 2)],
    ['ok', 'deadbeef'],
    ['ok', 'deadbeef'],
  ];
  return { script, expected };
}

/** Runs `script` through our SrpV3 (sequentially per op; ops of one batch of `inflight` at once). */
export async function runOurScript(srp: SrpV3, script: Op[], inflight = 4): Promise<(['ok', string] | ['error', string])[]> {
  const out: (['ok', string] | ['error', string])[] = [];
  const types = { read: 1, write: 2, post: 3, verify: 4 } as const;
  for (let i = 0; i < script.length; i += inflight) {
    const batch = script.slice(i, i + inflight).map(async ([op, addr, arg]): Promise<['ok', string] | ['error', string]> => {
      try {
        const data = typeof arg === 'string' ? Buffer.from(arg, 'hex') : undefined;
        const r = await srp.transact(types[op], addr, data ? data.length : (arg as number), data);
        return ['ok', Buffer.from(r).toString('hex')];
      } catch (e) {
        return ['error', (e as Error).message];
      }
    });
    out.push(...(await Promise.all(batch)));
  }
  return out;
}
