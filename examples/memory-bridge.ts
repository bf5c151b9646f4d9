import { Device, MemoryTcpClient, RemoteVariable, Root, UInt } from 'pyrogue-ts';

/** Registers behind rogue's memory bridge (offsets in the device's memory). */
class Registers extends Device {
  constructor(memBase: MemoryTcpClient) {
    super({ name: 'Registers', memBase, offset: 0 });
    this.add(new RemoteVariable({ name: 'ScratchPad', offset: 0x4, bitSize: 32, base: UInt, mode: 'RW', disp: '{:#010x}' }));
  }
}

/** Writes and reads a register on a rogue memory TcpServer at addr:port (`node memory-bridge.js daq-host 9000`). */
export async function main(addr = 'daq-host', port = 9000): Promise<bigint> {
  const mem = new MemoryTcpClient({ addr, port, waitReady: true });
  await mem.start(); // probes the server; throws if it does not answer in 10 s
  const root = new Root({ name: 'Lab', pollEn: false });
  root.add(new Registers(mem));
  await root.start();
  try {
    const scratch = root.getNode('Lab.Registers.ScratchPad', RemoteVariable)!;
    await scratch.set(0x1234n); // a Write, then a Verify, over TCP
    return (await scratch.get()) as bigint; // a Read
  } finally {
    await root.stop();
    await mem.close();
  }
}

if (require.main === module) {
  main(process.argv[2], Number(process.argv[3] ?? 9000)).then(
    (v) => console.log(`ScratchPad = 0x${v.toString(16)}`),
    (e) => { console.error(e); process.exitCode = 1; },
  );
}
