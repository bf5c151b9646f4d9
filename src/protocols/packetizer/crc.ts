/**
 * The packetizer v2 CRC: standard CRC-32 (reflected, init and final XOR 0xFFFFFFFF), i.e.
 * zlib's `crc32`, continued across the segments of a frame. node:zlib has it from Node
 * 20.15 / 22.2; older Nodes use the table below (the same function).
 */
import * as zlib from 'zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | null = null;

/** The table-driven CRC-32 (used when node:zlib has no crc32). */
export function crc32Table(data: Uint8Array, value = 0): number {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const zcrc = (zlib as { crc32?: Crc32 }).crc32;

/** CRC-32 of `data`, continuing from `value` (the CRC of what came before; 0 to start). */
export const crc32: Crc32 = typeof zcrc === 'function' ? (data, value = 0) => zcrc(data, value) : crc32Table;
