/**
 * Running a tree's RemoteVariables over a memory bridge, and an emulated memory to serve
 * (the CLI's `serve --memory tcp://host:port` and `memserve`).
 */
import { Device } from '../tree/device';
import { EmulatedMemory, type MemoryBackend } from '../tree/memory';
import type { Node } from '../tree/node';

/**
 * Maps every device of `root` that has a memBase of its own onto `memory` (its offset kept),
 * before the root starts: what pyrogue does with `MyDevice(memBase=TcpClient(...))`.
 * Returns the paths of the devices changed.
 */
export function rebaseMemory(root: Node, memory: MemoryBackend): string[] {
  const changed: string[] = [];
  const walk = (n: Node) => {
    if (n instanceof Device) {
      const d = n as unknown as { _memBase: MemoryBackend | null };
      if (d._memBase) {
        d._memBase = memory;
        changed.push(n.path);
      }
    }
    for (const c of n.nodes.values()) walk(c);
  };
  walk(root);
  return changed;
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
