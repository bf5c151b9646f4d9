/**
 * rogue's stream Frame (`rogue.interfaces.stream.Frame`): a payload with the three
 * header fields every rogue stream layer carries — 16-bit flags (first user byte in
 * bits 7..0, last user byte in bits 15..8), an 8-bit error and an 8-bit channel.
 */
export interface FrameInit {
  flags?: number;
  error?: number;
  channel?: number;
}

export class Frame {
  /** The payload: all of the frame's bytes (rogue's buffers, joined). */
  readonly payload: Uint8Array;
  private _flags: number;
  private _error: number;
  private _channel: number;

  constructor(payload: Uint8Array, init: FrameInit = {}) {
    this.payload = payload;
    this._flags = u16(init.flags ?? 0, 'flags');
    this._error = u8(init.error ?? 0, 'error');
    this._channel = u8(init.channel ?? 0, 'channel');
  }

  /** A frame of `text` as UTF-8 bytes. */
  static fromText(text: string, init: FrameInit = {}): Frame {
    return new Frame(new TextEncoder().encode(text), init);
  }

  /** rogue `getPayload()`: the number of payload bytes. */
  get size(): number {
    return this.payload.length;
  }

  get flags(): number {
    return this._flags;
  }
  set flags(v: number) {
    this._flags = u16(v, 'flags');
  }

  get error(): number {
    return this._error;
  }
  set error(v: number) {
    this._error = u8(v, 'error');
  }

  get channel(): number {
    return this._channel;
  }
  set channel(v: number) {
    this._channel = u8(v, 'channel');
  }

  /** AXI-stream tUser of the first byte (flags bits 7..0). */
  get firstUser(): number {
    return this._flags & 0xff;
  }
  /** Sets flags bits 7..0. */
  set firstUser(v: number) {
    this._flags = (this._flags & 0xff00) | u8(v, 'firstUser');
  }

  /** AXI-stream tUser of the last byte (flags bits 15..8). */
  get lastUser(): number {
    return this._flags >> 8;
  }
  /** Sets flags bits 15..8. */
  set lastUser(v: number) {
    this._flags = (this._flags & 0x00ff) | (u8(v, 'lastUser') << 8);
  }

  /** A new frame with a copy of the payload and the same header fields. */
  copy(): Frame {
    return new Frame(this.payload.slice(), { flags: this._flags, error: this._error, channel: this._channel });
  }
}

function u8(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`frame ${what} must be an integer 0..255, got ${v}`);
  return v;
}

function u16(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`frame ${what} must be an integer 0..65535, got ${v}`);
  return v;
}
