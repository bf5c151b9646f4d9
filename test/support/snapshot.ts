/**
 * Snapshot helpers for tests: a tree walked in process, through the
 * server's request core (BinaryPort, sans I/O) with the client's own request
 * encoding and reply decoding, so a test snapshots, serves and compares trees
 * without a socket.
 */
import { decodeReply, encodeRequest } from '../../src/client/channel';
import { PyDict, type PyValue } from '../../src/py/values';
import { BinaryPort } from '../../src/server/dispatch';
import { buildTree, readSnapshot, walkWith, writeSnapshot, type Requester, type SnapshotFile, type SnapshotRoot } from '../../src/snapshot';
import { LocalCommand } from '../../src/tree/command';
import { Device } from '../../src/tree/device';
import { EmulatedMemory } from '../../src/tree/memory';
import { Float, UInt } from '../../src/tree/model';
import { RemoteVariable } from '../../src/tree/remote';
import { Root } from '../../src/tree/root';
import { LocalVariable } from '../../src/tree/variable';

/** A requester answering from a started root in this process. */
export function inProcess(root: Root, address = 'in-process:0'): Requester {
  const port = new BinaryPort(root);
  let answered = 0;
  return {
    address,
    get answered() {
      return answered;
    },
    async request(path: string | null, attr: string | null, args: readonly PyValue[] = []): Promise<PyValue> {
      const reply = await port.handle([encodeRequest(path, attr, args, new PyDict())]);
      answered++;
      return decodeReply(reply, address, { path, attr });
    },
  };
}

/** The snapshot of a root (started here when it is not running), every prop recorded unless `allProps` is false. */
export async function snapshotOf(root: Root, opts: { read?: boolean; address?: string; allProps?: boolean } = {}): Promise<SnapshotFile> {
  if (!root.running) await root.start();
  return walkWith(inProcess(root, opts.address), { read: opts.read, allProps: opts.allProps ?? true });
}

/** A snapshot file's tree, built from its JSON text (as `serve --tree file.json` reads it) and started. */
export async function served(file: SnapshotFile): Promise<SnapshotRoot> {
  const root = buildTree(readSnapshot(writeSnapshot(file)));
  await root.start();
  return root;
}

/** A deep copy of a snapshot file (to change one thing in it). */
export function copyOf(file: SnapshotFile): SnapshotFile {
  return JSON.parse(JSON.stringify(file)) as SnapshotFile;
}

/**
 * A generated tree of about `n` nodes: devices of 100 nodes each on one
 * emulated memory, alternating RemoteVariables (UInt32, an enum bit field, a
 * Float) and LocalVariables (int, float, str), with a command per device.
 */
export function generatedRoot(n: number): Root {
  const root = new Root({ name: 'Gen', description: `about ${n} generated nodes`, pollEn: false, heartbeatMs: 0 });
  const mem = new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 });
  let count = 0;
  for (let d = 0; count < n; d++) {
    const dev = new Device({ name: `Dev[${d}]`, memBase: mem, offset: d * 0x1000, description: `device ${d}` });
    for (let i = 0; i < 96 && count < n; i++, count++) {
      switch (i % 6) {
        case 0:
          dev.add(new RemoteVariable({ name: `Reg${i}`, offset: i * 4, bitSize: 32, base: UInt, mode: 'RW', disp: '{:#x}' }));
          break;
        case 1:
          dev.add(
            new RemoteVariable({
              name: `Sel${i}`,
              offset: i * 4,
              bitSize: 2,
              bitOffset: 4,
              base: UInt,
              enum: [
                [0n, 'A'],
                [1n, 'B'],
                [2n, 'C'],
                [3n, 'D'],
              ],
            }),
          );
          break;
        case 2:
          dev.add(new RemoteVariable({ name: `Gain${i}`, offset: i * 4, bitSize: 32, base: Float, mode: 'RW', units: 'dB' }));
          break;
        case 3:
          dev.add(new LocalVariable({ name: `Count${i}`, value: BigInt(i * d), mode: 'RW' }));
          break;
        case 4:
          dev.add(new LocalVariable({ name: `Level${i}`, value: i / 8, mode: 'RW', minimum: 0.0, maximum: 100.0 }));
          break;
        default:
          dev.add(new LocalVariable({ name: `Name${i}`, value: `dev${d}-${i}`, mode: 'RO' }));
      }
    }
    dev.add(new LocalCommand({ name: 'Reset', function: () => null }));
    root.add(dev);
    count += 4; // the device, its enable, ReadDevice and WriteDevice
  }
  return root;
}
