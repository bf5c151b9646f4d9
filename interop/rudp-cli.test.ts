/**
 * The CLI on the firmware link: `pyrogue-ts fpga-emu`, and `pyrogue-ts serve --tree …
 * --memory rudp://…` whose RemoteVariables (and the UdpRssiPack device it adds) are read and
 * written through the ZmqServer by the CLI client verbs, and the golden transcript's
 * AxiVersion exchanges sent on the wire to it and to `serve` on EmulatedMemory.
 */
import { FpgaEmulator } from '../src/protocols/emulator';
import { cli, ensureBuilt, startServe } from '../test/support/cliRun';
import { startFpgaEmuCli } from '../test/support/rudpPeers';
import { python } from '../test/support/server';

jest.setTimeout(120000);

beforeAll(async () => {
  await ensureBuilt();
});

test.each([
  ['1', []],
  ['2', ['--jumbo']],
])('serve --memory rudp:// (packetizer v%s) against fpga-emu: set/get through the link, Net shows the link', async (packVer, extra) => {
  const emu = await startFpgaEmuCli(['--size', '0x400']);
  const s = await startServe('reference', ['--memory', `rudp://127.0.0.1:${emu.port}`, '--pack-ver', packVer, ...extra]);
  try {
    const at = ['--server', `127.0.0.1:${s.port}`, '-q'];
    const set = await cli([...at, 'set', 'Root.AxiVersion.ScratchPad', '0x1234abcd']);
    expect(set.stderr).toBe('');
    expect((await cli([...at, 'get', 'Root.AxiVersion.ScratchPad'])).stdout.trim()).toBe('0x1234abcd');
    expect((await cli([...at, 'get', 'Root.Net.rssiOpen'])).stdout.trim()).toBe('True');
    expect((await cli([...at, 'get', 'Root.Net.curMaxSegment'])).stdout.trim()).toBe(extra.length ? '8964' : '1464');
    // DeviceId is at 0x500, beyond the emulator's --size: the SRP status comes back as pyrogue's error
    const beyond = await cli([...at, 'get', 'Root.AxiVersion.DeviceId']);
    expect(beyond.stdout + beyond.stderr).toContain('Non zero status message returned on fpga register bus in hardware: 0x3');
    expect(s.output()).toContain(`Root.AxiVersion on SRPv3 over rudp://127.0.0.1:${emu.port} (packetizer v${packVer}`);
    expect(emu.output()).toContain('link open');
  } finally {
    await s.stop();
    await emu.stop();
  }
});

test('bad rudp:// options are refused before anything starts', async () => {
  const bad = await cli(['serve', '--tree', 'reference', '--port', '0', '--memory', 'rudp://127.0.0.1:8192', '--pack-ver', '3']);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain("bad --pack-ver '3' (1, 2)");
  const url = await cli(['serve', '--tree', 'reference', '--port', '0', '--memory', 'rudp://127.0.0.1']);
  expect(url.exitCode).toBe(1);
  expect(url.stderr).toContain('not a firmware address (rudp://host:port): rudp://127.0.0.1');
  const emu = await cli(['fpga-emu', '--pack-ver', 'x']);
  expect(emu.exitCode).toBe(1);
  expect(emu.stderr).toContain("bad --pack-ver 'x' (auto, 1, 2)");
});

test('examples/firmware-link.ts (docs/rudp.md): a register written and read back over the link, against FpgaEmulator', async () => {
  const emu = new FpgaEmulator({ port: 0, bindAddress: '127.0.0.1' });
  await emu.start();
  try {
    const { main } = await import('../examples/firmware-link');
    expect(await main('127.0.0.1', emu.port)).toBe(0x1234n);
    expect(Buffer.from(emu.memory.peek(4, 4)).readUInt32LE(0)).toBe(0x1234);
  } finally {
    await emu.close();
  }
});

test('the golden AxiVersion read/write/cmd exchanges on the wire: serve --memory rudp:// (fpga-emu) replies as serve on EmulatedMemory', async () => {
  const emu = await startFpgaEmuCli();
  const plain = await startServe('reference');
  const linked = await startServe('reference', ['--memory', `rudp://127.0.0.1:${emu.port}`, '--pack-ver', '2', '--memory-devices', 'AxiVersion']);
  try {
    // each server gets the recorded requests in the recorded order; a reply passes when it equals pyrogue's
    const passed = (await python(
      `
import base64
out = {}
for port in PORTS:
    b = req_socket(port + 1)
    ok = []
    for l in open(os.path.join(GOLDEN_DIR, 'transcript.jsonl')):
        c = json.loads(l)
        if c['port'] != 'bin' or c['id'].split(':')[0] not in ('read', 'write', 'cmd'):
            continue
        p = dict((k, v) for k, v in c['request']['dict']).get('path')
        if not isinstance(p, str) or not (p == 'Root.AxiVersion' or p.startswith('Root.AxiVersion.')):
            continue
        b.send(base64.b64decode(c['request_pickle']))
        if canon.canonical(b.recv()) == c['reply']:
            ok.append(c['id'])
    out[str(port)] = ok
print(json.dumps(out))
`,
      { PORTS: [plain.port, linked.port] },
      120000,
    )) as Record<string, string[]>;
    const onMemory = passed[String(plain.port)];
    console.log(
      `AxiVersion golden exchanges on the wire: ${onMemory.length} pass on EmulatedMemory, ${passed[String(linked.port)].length} over --memory rudp://`,
    );
    expect(onMemory.length).toBeGreaterThan(600);
    expect(passed[String(linked.port)]).toEqual(onMemory);
  } finally {
    await linked.stop();
    await plain.stop();
    await emu.stop();
  }
});
