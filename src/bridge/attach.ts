/**
 * Running a tree's RemoteVariables over a memory bridge, and an emulated memory to serve
 * (the CLI's `serve --memory tcp://host:port` and `memserve`).
 */
import { Device } from '../tree/device';
import { EmulatedMemory, type MemoryBackend } from '../tree/memory';
import type { Node } from '../tree/node';

/** The devices of `root` that have a memBase of their own (what `rebaseMemory` can move), by path. */
export function devicesWithMemBase(root: Node): Device[] {
  const found: Device[] = [];
  const walk = (n: Node) => {
    if (n instanceof Device && (n as unknown as { _memBase: MemoryBackend | null })._memBase) found.push(n);
    for (const c of n.nodes.values()) walk(c);
  };
  walk(root);
  return found;
}

/** A device named by `--memory-devices`: its path, or its path below the root ('AxiVersion' for 'Lab.AxiVersion'). */
function named(d: Device, root: Node, name: string): boolean {
  return d.path === name || d.path === `${root.path}.${name}`;
}

/**
 * Maps the devices of `root` that have a memBase of their own onto `memory` (their offsets
 * kept), before the root starts: what pyrogue does with `MyDevice(memBase=TcpClient(...))`.
 * Every such device, or only those `only` names (paths, or paths below the root); a name
 * that is not such a device is an error naming the ones there are. Returns the paths moved.
 */
export function rebaseMemory(root: Node, memory: MemoryBackend, only: string[] | null = null): string[] {
  const all = devicesWithMemBase(root);
  let chosen = all;
  if (only !== null) {
    const unknown = only.filter((name) => !all.some((d) => named(d, root, name)));
    if (unknown.length > 0) {
      const have = all.length > 0 ? `the devices with a memBase are ${all.map((d) => d.path).join(', ')}` : 'no device of the tree has a memBase';
      throw new Error(`${unknown.join(', ')}: not a device with a memBase of its own in tree ${root.path} (${have})`);
    }
    chosen = all.filter((d) => only.some((name) => named(d, root, name)));
  }
  for (const d of chosen) (d as unknown as { _memBase: MemoryBackend | null })._memBase = memory;
  return chosen.map((d) => d.path);
}

/** An EmulatedMemory of `size` bytes: a transaction reaching past the end fails with an error text. */
export class BoundedMemory implements MemoryBackend {
  readonly minAccess: number;
  readonly maxAccess: number;

  constructor(
    readonly inner: EmulatedMemory,
    readonly size: number,
  ) {
    this.minAccess = inner.minAccess;
    this.maxAccess = inner.maxAccess;
  }

  private check(address: number, n: number): void {
    if (address + n > this.size)
      throw new Error(`Address range 0x${address.toString(16)}+${n} is outside the emulated memory of 0x${this.size.toString(16)} bytes`);
  }

  async read(address: number, size: number): Promise<Uint8Array> {
    this.check(address, size);
    return this.inner.read(address, size);
  }

  async write(address: number, data: Uint8Array): Promise<void> {
    this.check(address, data.length);
    return this.inner.write(address, data);
  }
}

/** '4096', '0x1000', '64k', '16M', '1G' → bytes. */
export function parseSize(text: string): number {
  const m = /^(0x[0-9a-f]+|\d+)([kmg]?)$/i.exec(text.trim());
  if (!m) throw new Error(`bad size '${text}' (bytes: 4096, 0x1000, 64k, 16M, 1G)`);
  const n = Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`bad size '${text}'`);
  return n;
}
