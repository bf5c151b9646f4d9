import assert from 'node:assert/strict';
import { Device, EmulatedMemory, RemoteVariable, Root, UInt } from 'pyrogue-ts';

/** Registers of a device at an offset of a memory (here an emulated one). */
class Adc extends Device {
  static override pyModule = 'my_lab'; // clients see <class 'my_lab.Adc'>

  constructor(memBase: EmulatedMemory) {
    super({ name: 'Adc', memBase, offset: 0x1000 });
    this.add(
      new RemoteVariable({ name: 'Control', offset: 0x0, bitSize: 32, base: UInt, mode: 'RW', disp: '{:#x}' }),
      // Bit fields: 4 bits at bit 0 and 4 bits at bit 4 of the word at 0x4. `Both` views the
      // two at once: variables sharing bits must all say overlapEn: true.
      new RemoteVariable({ name: 'Gain', offset: 0x4, bitSize: 4, bitOffset: 0, base: UInt, mode: 'RW', overlapEn: true }),
      new RemoteVariable({ name: 'Channel', offset: 0x4, bitSize: 4, bitOffset: 4, base: UInt, mode: 'RW', overlapEn: true }),
      new RemoteVariable({ name: 'Both', offset: 0x4, bitSize: 8, bitOffset: 0, base: UInt, mode: 'RO', overlapEn: true }),
    );
  }
}

export async function main(): Promise<void> {
  const mem = new EmulatedMemory(); // bytes start at zero
  const root = new Root({ name: 'Lab', pollEn: false });
  root.add(new Adc(mem));
  await root.start();
  try {
    const gain = root.getNode('Lab.Adc.Gain') as RemoteVariable;
    const channel = root.getNode('Lab.Adc.Channel') as RemoteVariable;
    await gain.set(0x5n);
    await channel.set(0xan);
    assert.deepEqual([...mem.peek(0x1004, 1)], [0xa5]); // both fields, one byte
    assert.equal(await (root.getNode('Lab.Adc.Both') as RemoteVariable).get(), 0xa5n);
    await (root.getNode('Lab.Adc.Control') as RemoteVariable).set(0xbeefn);
    assert.equal(await (root.getNode('Lab.Adc.Control') as RemoteVariable).getDisp(), '0xbeef');
  } finally {
    await root.stop();
  }
}
