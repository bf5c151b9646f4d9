/**
 * RSSI segment headers (rogue `rssi::Header`): 8 bytes, or 24 for SYN, big-endian, with a
 * checksum over the header only (not the payload).
 */

export const HEADER_SIZE = 8;
export const SYN_SIZE = 24;

export const FLAG_SYN = 0x80;
export const FLAG_ACK = 0x40;
export const FLAG_EACK = 0x20;
export const FLAG_RST = 0x10;
export const FLAG_NUL = 0x08;
export const FLAG_BUSY = 0x01;

/** SYN parameters, in the header's units (timeouts in ms: rogue always sends timeout unit 3). */
export interface SynParams {
  maxBuffers: number;
  maxSegment: number;
  retranTout: number;
  cumAckTout: number;
  nullTout: number;
  maxRetran: number;
  maxCumAck: number;
}

/** A decoded header. `params` only on SYN. */
export interface RssiHeader {
  syn: boolean;
  ack: boolean;
  rst: boolean;
  nul: boolean;
  busy: boolean;
  sequence: number;
  acknowledge: number;
  /** Header length (8 or 24); the payload starts here. */
  length: number;
  params?: SynParams & { version: number; chk: boolean; timeoutUnit: number; connectionId: number };
}

/**
 * rogue's checksum: the 32-bit sum of the big-endian 16-bit words before the checksum word,
 * folded once, complemented, truncated to 16 bits.
 */
export function checksum(data: Uint8Array, size: number): number {
  let sum = 0;
  for (let x = 0; x < size - 2; x += 2) sum += (data[x] << 8) | data[x + 1];
  sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return (sum ^ 0xffff) & 0xffff;
}

/** Decodes and verifies the header at the start of `seg`; null when rogue would drop it (short, bad length byte, bad checksum). */
export function decodeHeader(seg: Uint8Array): RssiHeader | null {
  if (seg.length < HEADER_SIZE) return null;
  const f = seg[0];
  const syn = (f & FLAG_SYN) !== 0;
  const size = syn ? SYN_SIZE : HEADER_SIZE;
  if (seg[1] !== size || seg.length < size) return null;
  if (((seg[size - 2] << 8) | seg[size - 1]) !== checksum(seg, size)) return null;
  const h: RssiHeader = {
    syn,
    ack: (f & FLAG_ACK) !== 0,
    rst: (f & FLAG_RST) !== 0,
    nul: (f & FLAG_NUL) !== 0,
    busy: (f & FLAG_BUSY) !== 0,
    sequence: seg[2],
    acknowledge: seg[3],
    length: size,
  };
  if (syn) {
    h.params = {
      version: seg[4] >> 4,
      chk: (seg[4] & 0x04) !== 0,
      maxBuffers: seg[5],
      maxSegment: (seg[6] << 8) | seg[7],
      retranTout: (seg[8] << 8) | seg[9],
      cumAckTout: (seg[10] << 8) | seg[11],
      nullTout: (seg[12] << 8) | seg[13],
      maxRetran: seg[14],
      maxCumAck: seg[15],
      timeoutUnit: seg[17],
      connectionId: seg[18],
    };
  }
  return h;
}

/** The flags byte and length of a header about to be (re)written by `writeHeader`. */
export interface TxHeader {
  flags: number;
  sequence: number;
  acknowledge: number;
  /** SYN only: the parameters sent (rogue: version 1, chk, timeout unit 3, connection id 0x78). */
  params?: SynParams;
}

/**
 * Writes a header at the start of `seg` (8 bytes, or 24 when `flags` has SYN), as rogue's
 * `Header::update`: zeroes the header, sets the fields and the checksum. Returns the header length.
 */
export function writeHeader(seg: Uint8Array, h: TxHeader): number {
  const syn = (h.flags & FLAG_SYN) !== 0;
  const size = syn ? SYN_SIZE : HEADER_SIZE;
  seg.fill(0, 0, size);
  seg[0] = h.flags;
  seg[1] = size;
  seg[2] = h.sequence & 0xff;
  seg[3] = h.acknowledge & 0xff;
  if (syn) {
    const p = h.params!;
    seg[4] = 0x1c; // version 1 << 4, bit 3 (rogue always sets it), CHK
    seg[5] = p.maxBuffers & 0xff;
    seg[6] = (p.maxSegment >> 8) & 0xff;
    seg[7] = p.maxSegment & 0xff;
    seg[8] = (p.retranTout >> 8) & 0xff;
    seg[9] = p.retranTout & 0xff;
    seg[10] = (p.cumAckTout >> 8) & 0xff;
    seg[11] = p.cumAckTout & 0xff;
    seg[12] = (p.nullTout >> 8) & 0xff;
    seg[13] = p.nullTout & 0xff;
    seg[14] = p.maxRetran & 0xff;
    seg[15] = p.maxCumAck & 0xff;
    seg[17] = 3; // timeout unit: 10^-3 s
    seg[18] = 0x78; // low byte of rogue's connection id 0x12345678
  }
  const cs = checksum(seg, size);
  seg[size - 2] = cs >> 8;
  seg[size - 1] = cs & 0xff;
  return size;
}

/** Rewrites the ack number and BUSY bit of an existing header and its checksum (retransmissions). */
export function refreshHeader(seg: Uint8Array, acknowledge: number, busy: boolean): void {
  const size = seg[1];
  seg[0] = busy ? seg[0] | FLAG_BUSY : seg[0] & ~FLAG_BUSY;
  seg[3] = acknowledge & 0xff;
  const cs = checksum(seg, size);
  seg[size - 2] = cs >> 8;
  seg[size - 1] = cs & 0xff;
}
