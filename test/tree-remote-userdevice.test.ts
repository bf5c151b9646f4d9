/**
 * A user's own Device holding RemoteVariables works with no special base
 * class: the root builds its memory blocks at start, and reads/writes reach
 * the memory backend.
 */
import { Device, EmulatedMemory, RemoteVariable, Root, UInt } from '../src/tree';
import type { MemoryBackend } from '../src/tree';

class Regs extends Device {
  static override pyModule = 'my_lab';
  constructor(memBase: EmulatedMemory) {
    super({ name: 'Regs', memBase, offset: 0x100 });
    this.add(new RemoteVariable({ name: 'Ctrl', offset: 0x0, bitSize: 32, base: UInt, mode: 'RW', disp: '{:#x}' }));
    this.add(new RemoteVariable({ name: 'Low', offset: 0x4, bitSize: 4, bitOffset: 0, base: UInt, mode: 'RW' }));
    this.add(new RemoteVariable({ name: 'High', offset: 0x4, bitSize: 4, bitOffset: 4, base: UInt, mode: 'RW' }));
  }
}

test('RemoteVariables of a plain Device subclass read and write memory', async () => {
  const mem = new EmulatedMemory();
  const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  const regs = new Regs(mem);
  root.add(regs);
  await root.start();
  try {
    const ctrl = root.getNode('Root.Regs.Ctrl') as RemoteVariable;
    await ctrl.set(0xdeadbeefn);
    expect([...mem.peek(0x100, 4)]).toEqual([0xef, 0xbe, 0xad, 0xde]);
    await (root.getNode('Root.Regs.High') as RemoteVariable).set(0xan);
    await (root.getNode('Root.Regs.Low') as RemoteVariable).set(0x5n);
    expect(mem.peek(0x104, 1)[0]).toBe(0xa5);
    mem.poke(0x100, new Uint8Array([1, 0, 0, 0]));
    expect(await ctrl.get()).toBe(1n);
    expect(ctrl.valueDisp()).toBe('0x1');
  } finally {
    await root.stop();
  }
});

test('a memBase of the wrong type says so (not "no memBase")', async () => {
  const make = (memBase: unknown) => {
    const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
    const dev = new Device({ name: 'Dev', memBase: memBase as MemoryBackend }); // what untyped JS could pass
    dev.add(new RemoteVariable({ name: 'R', offset: 0, bitSize: 32, base: UInt, mode: 'RW' }));
    root.add(dev);
    return root;
  };
  const wrong = make({ base: 0x1000 });
  await expect(wrong.start()).rejects.toThrow('Device Root.Dev: memBase (Object) is not a MemoryBackend');
  await wrong.stop().catch(() => undefined);
  const none = make(null);
  await expect(none.start()).rejects.toThrow('Device Root.Dev has remote variables but no memBase');
  await none.stop().catch(() => undefined);
});
