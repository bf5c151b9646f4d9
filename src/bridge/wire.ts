/**
 * rogue's memory TCP bridge (rogue.interfaces.memory.TcpServer / TcpClient), the
 * frames only (sans I/O). Facts: docs/memory-bridge.md.
 *
 *   request   id:u32  address:u64  size:u32  type:u32  [data: size bytes, Write/Post only]
 *   response  id:u32  address:u64  size:u32  type:u32  data  result ('OK' or error text)
 *
 * Integers are little-endian (rogue sends native order; every host it runs on is LE).
 */

/** rogue.interfaces.memory transaction types, and the bridge's readiness probe. */
export const BridgeType = { Read: 1, Write: 2, Post: 3, Verify: 4, Probe: 0xfffffffe } as const;

export interface BridgeHeader {
  id: number;
  address: bigint;
  size: number;
  type: number;
}

/** The four header frames. */
export function encodeHeader(h: BridgeHeader): Buffer[] {
  const id = Buffer.alloc(4);
  id.writeUInt32LE(h.id >>> 0);
  const addr = Buffer.alloc(8);
  addr.writeBigUInt64LE(BigInt.asUintN(64, h.address));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(h.size >>> 0);
  const type = Buffer.alloc(4);
  type.writeUInt32LE(h.type >>> 0);
  return [id, addr, size, type];
}

/** The header of a frame list whose first four frames are 4/8/4/4 bytes, else null. */
export function decodeHeader(frames: readonly Uint8Array[]): BridgeHeader | null {
  if (frames.length < 4) return null;
  const [a, b, c, d] = frames;
  if (a.length !== 4 || b.length !== 8 || c.length !== 4 || d.length !== 4) return null;
  const buf = (x: Uint8Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return {
    id: buf(a).readUInt32LE(0),
    address: buf(b).readBigUInt64LE(0),
    size: buf(c).readUInt32LE(0),
    type: buf(d).readUInt32LE(0),
  };
}

export type ParsedRequest = { ok: true; header: BridgeHeader; data: Uint8Array | null } | { ok: false; reason: string };

/** Server side: validates a request as rogue's TcpServer does (what is dropped, and why). */
export function parseRequest(frames: readonly Uint8Array[]): ParsedRequest {
  if (frames.length !== 4 && frames.length !== 5) return { ok: false, reason: `bad frame count ${frames.length}` };
  const header = decodeHeader(frames);
  if (!header)
    return {
      ok: false,
      reason: `bad header frame sizes ${frames
        .slice(0, 4)
        .map((f) => f.length)
        .join('/')}`,
    };
  const { type, size } = header;
  if (type === BridgeType.Probe) {
    if (frames.length !== 4 || size !== 0) return { ok: false, reason: 'malformed readiness probe' };
    return { ok: true, header, data: null };
  }
  if (type === BridgeType.Write || type === BridgeType.Post) {
    if (frames.length !== 5 || frames[4].length !== size) return { ok: false, reason: `write id=${header.id} without a data frame of ${size} bytes` };
    return { ok: true, header, data: frames[4] };
  }
  if (frames.length !== 4) return { ok: false, reason: `type ${type} id=${header.id} with a data frame` };
  return { ok: true, header, data: null };
}

/** Server side: the six response frames. */
export function encodeResponse(h: BridgeHeader, data: Uint8Array, result: string): Buffer[] {
  return [...encodeHeader(h), Buffer.from(data.buffer, data.byteOffset, data.byteLength), Buffer.from(result || 'Unknown error', 'latin1')];
}

/** Client side: the request frames. */
export function encodeRequest(h: BridgeHeader, data?: Uint8Array): Buffer[] {
  const frames = encodeHeader(h);
  if (h.type === BridgeType.Write || h.type === BridgeType.Post) frames.push(Buffer.from(data ?? new Uint8Array(h.size)));
  return frames;
}

/** rogue's TcpClient reads at most 999 bytes of the result text. */
export const RESULT_MAX = 999;

/** Client side: the result text of a response's last frame. */
export function resultText(frame: Uint8Array): string {
  return Buffer.from(frame.buffer, frame.byteOffset, Math.min(frame.byteLength, RESULT_MAX)).toString('latin1');
}

/** 'tcp://host:port' or 'host:port' → {addr, port}. */
export function parseBridgeUrl(url: string): { addr: string; port: number } {
  const m = /^(?:tcp:\/\/)?([^:/]+|\[[^\]]+\]):(\d+)\/?$/.exec(url.trim());
  if (!m) throw new Error(`not a memory bridge address (tcp://host:port): ${url}`);
  const port = Number(m[2]);
  if (!(port > 0 && port < 65535)) throw new Error(`bad memory bridge port: ${m[2]}`);
  return { addr: m[1], port };
}
