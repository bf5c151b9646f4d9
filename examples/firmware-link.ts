import { Device, RemoteVariable, Root, SrpV3, UdpRssiPack, UInt } from 'pyrogue-ts';

/** Registers of the firmware, behind SRPv3 (offsets in the device's memory). */
class Registers extends Device {
  constructor(memBase: SrpV3) {
    super({ name: 'Registers', memBase, offset: 0 });
    this.add(new RemoteVariable({ name: 'ScratchPad', offset: 0x4, bitSize: 32, base: UInt, mode: 'RW', disp: '{:#010x}' }));
  }
}

/** Writes and reads a register of firmware at host:port (`node firmware-link.js 10.0.0.5 8192`; `pyrogue-ts fpga-emu` stands in for a board). */
export async function main(host = '10.0.0.5', port = 8192): Promise<bigint> {
  const root = new Root({ name: 'Lab', pollEn: false });
  const net = new UdpRssiPack({ name: 'Net', host, port, packVer: 2 }); // jumbo: true for a 9000-byte MTU
  const srp = new SrpV3({ timeout: 1.0 });
  const app = net.application(0); // tdest 0: the registers
  srp.addSlave(app); // pyrogue: srp == net.application(0)
  app.addSlave(srp);
  root.add(net); // rssiOpen, the RSSI counters and parameters, stop/start: as in pyrogue
  root.add(new Registers(srp));
  await root.start(); // waits for the link (pyrogue's wait=True)
  try {
    const scratch = root.getNode('Lab.Registers.ScratchPad', RemoteVariable)!;
    await scratch.set(0x1234n); // a Write, then a Verify, over UDP + RSSI + packetizer + SRPv3
    return (await scratch.get()) as bigint; // a Read
  } finally {
    await root.stop(); // closes the link (RSSI sends its RST)
  }
}

if (require.main === module) {
  main(process.argv[2], Number(process.argv[3] ?? 8192)).then(
    (v) => console.log(`ScratchPad = 0x${v.toString(16)}`),
    (e) => { console.error(e); process.exitCode = 1; },
  );
}
