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
  private _flags = 0;
  private _error = 0;
  private _channel = 0;
  /** The payload with the bytes before it that the frame may use (see `withHeadroom`), and how many those are. */
  private _head: Uint8Array | null = null;
  private _room = 0;

  constructor(payload: Uint8Array, init?: FrameInit) {
    this.payload = payload;
    if (init !== undefined) {
      this._flags = u16(init.flags ?? 0, 'flags');
      this._error = u8(init.error ?? 0, 'error');
      this._channel = u8(init.channel ?? 0, 'channel');
    }
  }

  /**
   * A frame whose payload is `bytes` after its first `room` bytes, as rogue's frame
   * buffers keep room for headers in front of the payload. Those bytes belong to the
   * frame: a slave may write into them while it holds the frame (the StreamWriter puts a
   * record's header there, to write header and payload in one piece); they carry nothing
   * from one slave to the next and are not part of the payload.
   */
  static withHeadroom(bytes: Uint8Array, room: number, init?: FrameInit): Frame {
    if (!Number.isInteger(room) || room < 0 || room > bytes.length) throw new RangeError(`frame headroom must be an integer 0..${bytes.length}, got ${room}`);
    const f = new Frame(bytes.subarray(room), init);
    f._head = bytes;
    f._room = room;
    return f;
  }

  /** The bytes in front of the payload the frame may use (0 for a frame made with `new Frame`). */
  get headroom(): number {
    return this._room;
  }

  /** The last `n` bytes of the headroom followed by the payload, as one view; null when the headroom is smaller than `n`. */
  withHeader(n: number): Uint8Array | null {
    const head = this._head;
    if (head === null || n > this._room || !(n >= 0)) return null;
    return n === this._room ? head : head.subarray(this._room - n);
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

  /** Sets flags, error and channel to 0 (as a new frame has them). */
  clearHeader(): void {
    this._flags = this._error = this._channel = 0;
  }

  /** A new frame with a copy of the payload and the same header fields. */
  copy(): Frame {
    // new Uint8Array copies (a Buffer's slice() would be a view of the same memory)
    return new Frame(new Uint8Array(this.payload), { flags: this._flags, error: this._error, channel: this._channel });
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
