/**
 * Compile-time checks of the public types (interop/types.test.ts runs tsc on this
 * file): each `@ts-expect-error` line must be an error, everything else must compile.
 */
import { Device, EmulatedMemory, RemoteVariable, UInt, VirtualClient, pyFloat } from '../../src';

export const ok = new Device({ name: 'A', memBase: new EmulatedMemory(), offset: 0x100 });
// @ts-expect-error memBase must be a MemoryBackend (read/write), not an address
export const wrongMemBase = new Device({ name: 'B', memBase: { base: 0x1000 } });
export const reg = new RemoteVariable({ name: 'R', offset: 0, bitSize: 32, base: UInt, mode: 'RW' });
// @ts-expect-error mode is one of 'RW' | 'RO' | 'WO'
export const badMode = new RemoteVariable({ name: 'S', offset: 0, bitSize: 32, base: UInt, mode: 'rw' });

export async function clientTypes(vc: VirtualClient): Promise<void> {
  const node = await vc.getNode('root.A.R');
  // @ts-expect-error getNode may return null
  await node.set(1);
  await node?.set(pyFloat(1));
}
