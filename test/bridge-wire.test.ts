/** The memory bridge frames (src/bridge/wire.ts): what the server accepts, drops, and answers. */
import { BridgeType, decodeHeader, encodeRequest, encodeResponse, parseBridgeUrl, parseRequest, resultText } from '../src/bridge/wire';

const hdr = (type: number, size: number, id = 7, address = 0x1234n) => encodeRequest({ id, address, size, type }, new Uint8Array(size).fill(0xab));

test('request frames: 4 for Read/Verify/probe, 5 for Write/Post, little-endian', () => {
  const r = encodeRequest({ id: 0x01020304, address: 0x1122334455667788n, size: 4, type: BridgeType.Read });
  expect(r.map((f) => f.toString('hex'))).toEqual(['04030201', '8877665544332211', '04000000', '01000000']);
  expect(hdr(BridgeType.Write, 4)).toHaveLength(5);
  expect(hdr(BridgeType.Post, 4)).toHaveLength(5);
  expect(hdr(BridgeType.Verify, 4)).toHaveLength(4);
  expect(encodeRequest({ id: 1, address: 0n, size: 0, type: BridgeType.Probe })[3].toString('hex')).toBe('feffffff');
});

test('parseRequest accepts what the spec allows', () => {
  for (const t of [BridgeType.Read, BridgeType.Write, BridgeType.Post, BridgeType.Verify]) {
    const p = parseRequest(hdr(t, 8));
    expect(p.ok).toBe(true);
    if (p.ok) expect(p.header).toEqual({ id: 7, address: 0x1234n, size: 8, type: t });
  }
  expect(parseRequest(hdr(BridgeType.Probe, 0)).ok).toBe(true);
});

test('parseRequest drops malformed requests', () => {
  const bad: Buffer[][] = [
    [],
    hdr(BridgeType.Read, 4).slice(0, 3),
    [...hdr(BridgeType.Write, 4), Buffer.alloc(1)],
    [Buffer.alloc(3), ...hdr(BridgeType.Read, 4).slice(1)],
    [hdr(BridgeType.Read, 4)[0], Buffer.alloc(4), ...hdr(BridgeType.Read, 4).slice(2)],
    hdr(BridgeType.Write, 4).slice(0, 4),
    [...hdr(BridgeType.Write, 4).slice(0, 4), Buffer.alloc(3)],
    [...hdr(BridgeType.Read, 4), Buffer.alloc(4)],
    hdr(BridgeType.Probe, 4),
    [...hdr(BridgeType.Probe, 0), Buffer.alloc(0)],
  ];
  for (const f of bad) expect(parseRequest(f).ok).toBe(false);
});

test('response frames and result text', () => {
  const r = encodeResponse({ id: 9, address: 4n, size: 2, type: BridgeType.Read }, Uint8Array.from([1, 2]), 'OK');
  expect(r).toHaveLength(6);
  expect(decodeHeader(r)).toEqual({ id: 9, address: 4n, size: 2, type: 1 });
  expect(r[5].toString()).toBe('OK');
  expect(resultText(Buffer.alloc(2000, 0x41))).toHaveLength(999);
});

test('bridge addresses', () => {
  expect(parseBridgeUrl('tcp://daq-host:9000')).toEqual({ addr: 'daq-host', port: 9000 });
  expect(parseBridgeUrl('127.0.0.1:9000')).toEqual({ addr: '127.0.0.1', port: 9000 });
  expect(() => parseBridgeUrl('tcp://host')).toThrow('not a memory bridge address');
  expect(() => parseBridgeUrl('tcp://host:0')).toThrow('bad memory bridge port');
});
