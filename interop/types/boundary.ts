/**
 * Compile-time checks of the public types (interop/types.test.ts runs tsc on this
 * file): each `@ts-expect-error` line must be an error, everything else must compile.
 */
import { Device, EmulatedMemory, LocalVariable, RemoteVariable, Root, UInt, VirtualClient, pyFloat } from '../../src';

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

// Enum keys are typed like the value: bigint keys for an int variable, string keys for a str one.
export const mode = new LocalVariable({
  name: 'Mode',
  value: 0n,
  enum: [
    [0n, 'CV'],
    [1n, 'CC'],
  ],
});
// @ts-expect-error 0 is a Python float, not the int 0n the value is
export const badEnum = new LocalVariable({ name: 'Mode2', value: 0n, enum: [[0, 'CV']] });
export const strEnum = new LocalVariable({
  name: 'Sel',
  value: 'a',
  enum: [
    ['a', 'A'],
    ['b', 'B'],
  ],
});

// getNode with a class returns that class (or null), checked at run time.
export function typedNode(root: Root): bigint | null {
  const v: LocalVariable | null = root.getNode('Lab.Dev.Mode', LocalVariable);
  // @ts-expect-error without a class getNode gives a plain Node
  const w: LocalVariable | null = root.getNode('Lab.Dev.Mode');
  void w;
  return (v?.value() as bigint | undefined) ?? null;
}
