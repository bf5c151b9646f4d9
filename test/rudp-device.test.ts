/**
 * The UdpRssiPack Device: pyrogue's node list (../shared/spec/RUDP-SRP-STREAMS.md §8.1:
 * names, modes, typeStr, poll intervals, hidden flags, values) and class, and the device
 * driving its link in fake time against our emulator (rssiOpen, counters, stop/start).
 */
import { UdpRssiPack } from '../src/protocols/device';
import { FpgaEmulator } from '../src/protocols/emulator';
import { SrpV3 } from '../src/protocols/srp/srp';
import { classInfo } from '../src/tree/pyclass';
import { Root } from '../src/tree/root';
import { BaseVariable } from '../src/tree/variable';
import { BaseCommand } from '../src/tree/command';
import { connectPair } from '../src/stream/master';
import { FakeClock } from './support/fakeClock';
import { LossyRelay } from './support/lossyRelay';

/** §8.1: name, mode, typeStr, poll, hidden, value (before the link opens; cur* read the live defaults). */
const NODES: [string, string, string, number, boolean, unknown][] = [
  ['enable', 'RW', 'bool', 0, false, true],
  ['ReadDevice', 'WO', 'bool', 0, true, false],
  ['WriteDevice', 'WO', 'str', 0, true, ''],
  ['rssiOpen', 'RO', 'bool', 1, false, false],
  ['rssiDownCount', 'RO', 'UInt32', 1, false, 0n],
  ['rssiDropCount', 'RO', 'UInt32', 1, false, 0n],
  ['rssiRetranCount', 'RO', 'UInt32', 1, false, 0n],
  ['locBusy', 'RO', 'bool', 1, true, false],
  ['locBusyCnt', 'RO', 'UInt32', 1, false, 0n],
  ['remBusy', 'RO', 'bool', 1, true, false],
  ['remBusyCnt', 'RO', 'UInt32', 1, false, 0n],
  ['locTryPeriod', 'RW', 'UInt32', 0, false, 100n],
  ['locMaxBuffers', 'RW', 'UInt8', 0, false, 32n],
  ['locMaxSegment', 'RW', 'UInt16', 0, false, 1464n],
  ['locCumAckTout', 'RW', 'UInt16', 0, false, 5n],
  ['locRetranTout', 'RW', 'UInt16', 0, false, 20n],
  ['locNullTout', 'RW', 'UInt16', 0, false, 1000n],
  ['locMaxRetran', 'RW', 'UInt8', 0, false, 15n],
  ['locMaxCumAck', 'RW', 'UInt8', 0, false, 2n],
  ['curMaxBuffers', 'RO', 'UInt8', 1, false, 32n],
  ['curMaxSegment', 'RO', 'UInt16', 1, false, 1464n],
  ['curCumAckTout', 'RO', 'UInt16', 1, false, 5n],
  ['curRetranTout', 'RO', 'UInt16', 1, false, 20n],
  ['curNullTout', 'RO', 'UInt16', 1, false, 1000n],
  ['curMaxRetran', 'RO', 'UInt8', 1, false, 15n],
  ['curMaxCumAck', 'RO', 'UInt8', 1, false, 2n],
  ['stop', 'WO', 'int', 0, false, 0n],
  ['start', 'WO', 'int', 0, false, 0n],
];

function rig() {
  const clock = new FakeClock();
  const relay = new LossyRelay(clock, 3);
  const emu = new FpgaEmulator({ transport: relay.b, clock });
  const net = new UdpRssiPack({ name: 'Net', port: 8192, packVer: 2, transport: relay.a, clock });
  const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  root.add(net);
  return { clock, relay, emu, net, root };
}

test("pyrogue's nodes, in order, with their modes, types, poll intervals, hidden flags and values", async () => {
  const { net, root, emu } = rig();
  await emu.start();
  const rows = [...net.nodes.values()].map((n) => {
    const v = n as unknown as BaseVariable;
    return [n.name, v.mode, v.typeStr, Number(v.pollInterval), n.hidden, n instanceof BaseCommand ? v.value() : v.value()];
  });
  expect(rows).toEqual(NODES);
  expect(classInfo(UdpRssiPack).str).toBe("<class 'pyrogue.protocols._Network.UdpRssiPack'>");
  expect(classInfo(UdpRssiPack).bases.slice(0, 3)).toEqual([
    "<class 'pyrogue.protocols._Network.UdpRssiPack'>",
    "<class 'pyrogue._Device.Device'>",
    "<class 'pyrogue._Node.Node'>",
  ]);
  void root;
});

test('Root start waits for the link; rssiOpen, cur* and counters; stop sends RST, start reconnects; countReset', async () => {
  const { clock, emu, net, root } = rig();
  await emu.start();
  const srp = new SrpV3({ clock });
  connectPair(srp, net.application(0));
  let started = false;
  void root.start().then(() => (started = true));
  await clock.until(() => started, 'root start');
  const get = (name: string) => (net.child(name) as unknown as BaseVariable).get();
  expect(await get('rssiOpen')).toBe(true);
  expect(await get('curMaxSegment')).toBe(1464n);
  const r = srp.read(0, 4);
  await clock.until(() => srp.inFlight === 0, 'read');
  await r;
  await (net.child('stop') as unknown as BaseCommand).call();
  await clock.advance(1);
  expect(await get('rssiOpen')).toBe(false);
  expect(await get('rssiDownCount')).toBe(1n);
  expect(emu.link.rssi.downCount).toBe(1); // the emulator got the RST
  await (net.child('start') as unknown as BaseCommand).call();
  await clock.until(() => net.link.isOpen, 'reconnect');
  expect(await get('rssiOpen')).toBe(true);
  await net.countReset();
  expect(await get('rssiDownCount')).toBe(0n);
  await (net.child('locRetranTout') as unknown as BaseVariable).set(50n);
  expect(net.link.rssi.locRetranTout).toBe(50);
  await root.stop();
});

test('defaults apply the loc* parameters; a server-mode device does not wait', async () => {
  const clock = new FakeClock();
  const relay = new LossyRelay(clock, 4);
  const net = new UdpRssiPack({ port: 0, server: true, transport: relay.b, clock, defaults: { locRetranTout: 40, locMaxBuffers: 16 } });
  expect([net.link.rssi.locRetranTout, net.link.rssi.locMaxBuffers]).toEqual([40, 16]);
  const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  root.add(net);
  await root.start();
  expect(net.link.isOpen).toBe(false);
  await root.stop();
});
