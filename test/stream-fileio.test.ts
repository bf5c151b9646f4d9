/**
 * rogue's data files (src/stream/fileio.ts): the record bytes rogue v6.15 was seen to
 * write (../shared/spec/RUDP-SRP-STREAMS.md §6), channels, raw mode, re-open, splitting,
 * buffering, and the FileReader/StreamReader reading them back.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { FileReader, FileReaderException, Frame, Prbs, StreamReader, StreamWriter, connectStream, type FileIoLog, type StreamSlave } from '../src/stream';
import { PyDict } from '../src/py/values';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-fileio-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (name = 'f.dat') => path.join(dir, `${n++}-${name}`);

/** Arbitraries of a frame's payload (up to `maxLength` bytes) and header fields. */
function frameFields(maxLength: number) {
  return {
    payload: fc.uint8Array({ minLength: 1, maxLength }),
    flags: fc.integer({ min: 0, max: 0xffff }),
    error: fc.integer({ min: 0, max: 0xff }),
    channel: fc.integer({ min: 0, max: 0xff }),
  };
}

function quietLog(into: string[] = []): FileIoLog {
  return { warning: (m) => into.push(`W ${m}`), error: (m) => into.push(`E ${m}`) };
}

describe('StreamWriter', () => {
  test('record layout: [size+4][flags][error][channel][payload]; channel 0 keeps the frame channel, n > 0 forces n (verified bytes)', () => {
    const f = tmp();
    const w = new StreamWriter();
    w.open(f);
    w.getChannel(0).acceptFrame(new Frame(Uint8Array.from([1, 2, 3]), { flags: 0x1234, error: 0x56, channel: 0x9a }));
    w.getChannel(7).acceptFrame(new Frame(new Uint8Array(5).fill(0xaa), { flags: 0xbeef }));
    w.close();
    expect(hex(fs.readFileSync(f))).toBe('07000000' + '3412' + '56' + '9a' + '010203' + '09000000' + 'efbe' + '00' + '07' + 'aaaaaaaaaa');
  });

  test('empty frames, errored frames with dropErrors, and frames with no file open are not written; channels count every frame', () => {
    const f = tmp();
    const w = new StreamWriter();
    const ch = w.getChannel(3);
    ch.acceptFrame(Frame.fromText('before'));
    expect(ch.frameCount).toBe(1);
    w.open(f);
    expect(ch.frameCount).toBe(0);
    ch.acceptFrame(new Frame(new Uint8Array(0)));
    w.setDropErrors(true);
    ch.acceptFrame(Frame.fromText('bad', { error: 1 }));
    ch.acceptFrame(Frame.fromText('ok'));
    w.close();
    ch.acceptFrame(Frame.fromText('after'));
    expect([ch.frameCount, w.frameCount]).toEqual([4, 1]);
    expect(fs.readFileSync(f).length).toBe(10);
    expect(w.getChannel(3)).toBe(ch);
  });

  test('raw mode writes the payloads only (verified: "xyz" "12" → xyz12)', () => {
    const f = tmp();
    const w = new StreamWriter();
    w.setRaw(true);
    w.open(f);
    w.getChannel(0).acceptFrame(Frame.fromText('xyz'));
    w.getChannel(1).acceptFrame(Frame.fromText('12'));
    w.close();
    expect(fs.readFileSync(f, 'latin1')).toBe('xyz12');
  });

  test('re-opening a longer file overwrites it from offset 0 and leaves its tail (verified)', () => {
    const f = tmp();
    fs.writeFileSync(f, Buffer.alloc(30, 0x55));
    const w = new StreamWriter();
    w.open(f);
    w.getChannel(0).acceptFrame(Frame.fromText('ab'));
    w.close();
    const b = fs.readFileSync(f);
    expect(b.length).toBe(30);
    expect(hex(b.subarray(0, 10))).toBe('06000000000000006162');
    expect(b.subarray(10).every((x) => x === 0x55)).toBe(true);
  });

  test('splitting at MaxFileSize: <name>.1, .2, …; records never split (verified: limit 40, five 10-byte records → 36, 36, 18)', () => {
    const f = tmp('s.dat');
    const w = new StreamWriter();
    w.setMaxSize(40n);
    w.open(f);
    expect(w.currentFile).toBe(`${f}.1`);
    for (let i = 0; i < 5; i++) w.getChannel(0).acceptFrame(new Frame(new Uint8Array(10).fill(i)));
    expect(w.currentFile).toBe(`${f}.3`);
    expect([w.currentSize, w.totalSize, w.frameCount]).toEqual([18, 90, 5]);
    expect(() => w.getChannel(0).acceptFrame(new Frame(new Uint8Array(40)))).toThrow('Frame size is larger than file size limit');
    w.close();
    expect([1, 2, 3].map((k) => fs.statSync(`${f}.${k}`).size)).toEqual([36, 36, 18]);
    expect(fs.existsSync(f)).toBe(false);
    expect(fs.existsSync(`${f}.4`)).toBe(false);
    const frames: number[] = [];
    for (const [h, p] of new FileReader([1, 2, 3].map((k) => `${f}.${k}`)).records()) frames.push(h.size * 100 + p[0]);
    expect(frames).toEqual([1000, 1001, 1002, 1003, 1004]);
  });

  test('a split file opens in append mode (an old .2 keeps its bytes before the new ones)', () => {
    const f = tmp('a.dat');
    fs.writeFileSync(`${f}.2`, 'OLD');
    const w = new StreamWriter();
    w.setMaxSize(20);
    w.open(f);
    w.getChannel(0).acceptFrame(new Frame(new Uint8Array(10)));
    w.getChannel(0).acceptFrame(new Frame(new Uint8Array(10)));
    w.close();
    expect(fs.readFileSync(`${f}.2`).subarray(0, 3).toString()).toBe('OLD');
    expect(fs.statSync(`${f}.2`).size).toBe(21);
  });

  test('buffering: sizes include buffered bytes; a record that does not fit flushes first; one larger than the buffer goes straight to the file', () => {
    const f = tmp();
    const w = new StreamWriter();
    w.setBufferSize(64);
    w.open(f);
    const c = w.getChannel(0);
    c.acceptFrame(new Frame(new Uint8Array(20)));
    expect([w.currentSize, fs.statSync(f).size]).toEqual([28, 0]);
    c.acceptFrame(new Frame(new Uint8Array(20)));
    expect([w.currentSize, fs.statSync(f).size]).toEqual([56, 0]);
    c.acceptFrame(new Frame(new Uint8Array(20)));
    expect([w.currentSize, fs.statSync(f).size]).toEqual([84, 56]);
    c.acceptFrame(new Frame(new Uint8Array(100)));
    expect([w.currentSize, fs.statSync(f).size]).toEqual([192, 192]);
    c.acceptFrame(new Frame(new Uint8Array(1)));
    w.setBufferSize(0); // a change flushes
    expect(fs.statSync(f).size).toBe(201);
    w.close();
    expect(new FileReader(f).records().next().value![0].size).toBe(20);
    expect([...new FileReader(f).records()].map(([h]) => h.size)).toEqual([20, 20, 20, 100, 1]);
  });

  test('counters reset on open and keep their values after close; bandwidth over the last second', async () => {
    let t = 1000;
    const w = new StreamWriter({ now: () => t });
    const f = tmp();
    w.open(f);
    w.getChannel(0).acceptFrame(new Frame(new Uint8Array(92)));
    t += 500;
    w.getChannel(0).acceptFrame(new Frame(new Uint8Array(92)));
    expect(w.getBandwidth()).toBe(400);
    t += 900;
    expect(w.getBandwidth()).toBe(100 / 0.9);
    // records faster than 16 to the millisecond: the clock is read every 16th in a turn (and when asked)
    t += 2000;
    const reads = { n: 0 };
    const w2 = new StreamWriter({ now: () => (reads.n++, t) });
    w2.open(tmp());
    for (let i = 0; i < 40; i++) w2.getChannel(0).acceptFrame(new Frame(new Uint8Array(96)));
    expect(reads.n).toBeLessThan(8);
    expect(w2.getBandwidth()).toBe(40 * 104);
    t += 999;
    expect(w2.getBandwidth()).toBe((40 * 104) / 0.999);
    t += 2;
    expect(w2.getBandwidth()).toBe(0);
    // a burst, then the turn ends: what waited is put at the end of the turn
    t += 1000;
    for (let i = 0; i < 20; i++) w2.getChannel(0).acceptFrame(new Frame(new Uint8Array(96)));
    await Promise.resolve();
    t += 5000;
    expect(w2.getBandwidth()).toBe(0);
    // one record a turn: each reads the clock
    for (let i = 0; i < 3; i++) {
      t += 300;
      w2.getChannel(0).acceptFrame(new Frame(new Uint8Array(96)));
      await new Promise((r) => setImmediate(r));
    }
    t += 401;
    expect(w2.getBandwidth()).toBe((2 * 104) / 0.701);
    w2.close();
    w.close();
    expect([w.frameCount, w.totalSize, w.currentSize, w.getBandwidth(), w.isOpen()]).toEqual([2, 200, 200, 0, false]);
    w.open(f);
    expect([w.frameCount, w.totalSize, w.currentSize, w.isOpen()]).toEqual([0, 0, 0, true]);
    w.close();
  });

  test('waitFrameCount resolves on the frame that reaches the count, or false after its timeout', async () => {
    const w = new StreamWriter();
    w.open(tmp());
    const waiting = w.waitFrameCount(2);
    const onChannel = w.getChannel(4).waitFrameCount(1);
    const late = w.waitFrameCount(10, 20);
    w.getChannel(4).acceptFrame(Frame.fromText('a'));
    w.getChannel(0).acceptFrame(Frame.fromText('b'));
    expect(await Promise.all([waiting, onChannel, late])).toEqual([true, true, false]);
    w.close();
  });

  test('a file that cannot be opened throws; a write error closes the file and logs "Write failed, closing file!"', () => {
    const log: string[] = [];
    const w = new StreamWriter({ log: quietLog(log) });
    expect(() => w.open(path.join(dir, 'no', 'such', 'dir', 'x.dat'))).toThrow(/Failed to open data file/);
    if (fs.existsSync('/dev/full')) {
      w.open('/dev/full');
      w.getChannel(0).acceptFrame(Frame.fromText('x'));
      expect(log.some((l) => l.startsWith('E Write failed, closing file!'))).toBe(true);
      w.getChannel(0).acceptFrame(Frame.fromText('y'));
      expect(w.frameCount).toBe(1); // as rogue: the frame whose write failed is counted, later ones are not
      expect(w.isOpen()).toBe(true); // as rogue: the flag stays until close
      w.close();
    }
  });
});

describe('FileReader', () => {
  test('round trip: any frames on any channels come back identical (property)', () => {
    const frameArb = fc.record(frameFields(3000));
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 40 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 64, max: 4096 }), (frames, buffer, readBuf) => {
        const f = tmp();
        const w = new StreamWriter();
        w.setBufferSize(buffer);
        w.open(f);
        for (const fr of frames) w.getChannel(0).acceptFrame(new Frame(fr.payload, fr));
        w.close();
        const got = [...new FileReader(f, { bufferSize: readBuf }).records()].map(([h, p]) => ({
          payload: p,
          flags: h.flags,
          error: h.error,
          channel: h.channel,
          size: h.size,
        }));
        expect(got).toEqual(frames.map((fr) => ({ ...fr, size: fr.payload.length })));
        fs.unlinkSync(f);
      }),
      { numRuns: 60 },
    );
  });

  test('a frame with headroom (its record written from in front of the payload) gives the same files as one without, raw, buffered or split (property)', () => {
    const frameArb = fc.record({ ...frameFields(600), room: fc.integer({ min: 0, max: 12 }), junk: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 30 }),
        fc.constantFrom(0, 100, 4096),
        fc.boolean(),
        fc.constantFrom(0, 1000),
        (frames, buffer, raw, maxSize) => {
          const write = (withRoom: boolean) => {
            const f = tmp();
            const w = new StreamWriter();
            w.setBufferSize(buffer);
            w.setRaw(raw);
            w.setMaxSize(maxSize);
            w.open(f);
            for (const fr of frames) {
              const init = { flags: fr.flags, error: fr.error, channel: fr.channel };
              if (!withRoom) w.getChannel(0).acceptFrame(new Frame(fr.payload, init));
              else {
                const bytes = new Uint8Array(fr.room + fr.payload.length).fill(fr.junk);
                bytes.set(fr.payload, fr.room);
                const frame = Frame.withHeadroom(bytes, fr.room, init);
                w.getChannel(0).acceptFrame(frame);
                expect(hex(frame.payload)).toBe(hex(fr.payload));
              }
            }
            w.close();
            const names =
              maxSize > 0
                ? fs
                    .readdirSync(dir)
                    .filter((x) => x.startsWith(path.basename(f) + '.'))
                    .sort()
                : [path.basename(f)];
            const out = names.map((x) => hex(fs.readFileSync(path.join(dir, x))));
            for (const x of names) fs.unlinkSync(path.join(dir, x));
            return out;
          };
          expect(write(true)).toEqual(write(false));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('configuration records: not yielded, merged (top-level keys shallowly, dotted keys as paths); configValue', () => {
    const f = tmp();
    const w = new StreamWriter();
    w.open(f);
    const cfg = w.getChannel(255);
    cfg.acceptFrame(Frame.fromText('R:\n  enable: true\n  Dev:\n    Gain: 2\n    Mode: Idle\n'));
    w.getChannel(0).acceptFrame(Frame.fromText('data1'));
    cfg.acceptFrame(Frame.fromText('R.Dev.Gain: 7\nR.New.Leaf: x\n'));
    w.getChannel(0).acceptFrame(Frame.fromText('data2'));
    cfg.acceptFrame(Frame.fromText('R:\n  Extra: 1.5\n'));
    w.close();
    const r = new FileReader(f, { configChan: 255 });
    const data = [...r.records()].map(([, p]) => Buffer.from(p).toString());
    expect(data).toEqual(['data1', 'data2']);
    expect([r.currCount, r.totCount]).toEqual([2, 2]);
    expect(r.configValue('R.Dev.Gain')).toBe(7n);
    expect(r.configValue('R.Dev.Mode')).toBe('Idle');
    expect(r.configValue('R.New.Leaf')).toBe('x');
    expect(r.configValue('R.Extra')).toBe(1.5);
    expect(r.configValue('R.enable')).toBe(true);
    expect([...(r.configDict.get('R') as PyDict).keys()]).toEqual(['enable', 'Dev', 'New', 'Extra']);
    expect(() => r.configValue('R.Nope')).toThrow(FileReaderException);
    // without configChan the records are data
    expect([...new FileReader(f).records()].length).toBe(5);
  });

  test('truncated files end with "File underrun reading"; a size word below 4 ends the file; hostile sizes allocate nothing big', () => {
    const log: string[] = [];
    const f = tmp();
    const w = new StreamWriter();
    w.open(f);
    w.getChannel(0).acceptFrame(Frame.fromText('hello'));
    w.getChannel(0).acceptFrame(Frame.fromText('world!'));
    w.close();
    const full = fs.readFileSync(f);
    for (const cut of [full.length - 1, 13 + 4, 13]) {
      fs.writeFileSync(f, full.subarray(0, cut));
      const got = [...new FileReader(f, { log: quietLog(log) }).records()].map(([, p]) => Buffer.from(p).toString());
      expect(got).toEqual(cut === 13 ? ['hello'] : ['hello']);
    }
    expect(log.filter((l) => l === `W File underrun reading ${f}`).length).toBe(2);
    fs.writeFileSync(f, Buffer.from('ffffffff00000000', 'hex'));
    expect([...new FileReader(f, { log: quietLog(log) }).records()]).toEqual([]);
    fs.writeFileSync(f, Buffer.from('0200000000000000aabb', 'hex'));
    expect([...new FileReader(f, { log: quietLog(log) }).records()]).toEqual([]);
    fs.writeFileSync(f, Buffer.from('0400000001020304', 'hex'));
    expect([...new FileReader(f).records()].map(([h, p]) => [h, p.length])).toEqual([[{ size: 0, flags: 0x201, error: 3, channel: 4 }, 0]]);
    expect(() => new FileReader(path.join(dir, 'missing.dat'))).toThrow('Failed to read file');
  });

  test('batched records: sub-frames with their headers', () => {
    const sub = (size: number, tdest: number, code: number, fill: number) => {
      const h = Buffer.alloc(8);
      h.writeUInt32LE(size, 0);
      h[4] = tdest;
      h[5] = 2;
      h[6] = 1;
      h[7] = code;
      const extra = code === 3 ? Buffer.alloc(8) : Buffer.alloc(0);
      return Buffer.concat([h, extra, Buffer.alloc(size, fill)]);
    };
    const f = tmp();
    const w = new StreamWriter();
    w.open(f);
    w.getChannel(0).acceptFrame(new Frame(Buffer.concat([sub(3, 1, 0, 0xa), sub(2, 2, 3, 0xb)])));
    w.close();
    const got = [...new FileReader(f, { batched: true }).records(true)].map(([, b, d]) => [b.tdest, b.width, b.fUser, b.lUser, hex(d)]);
    expect(got).toEqual([
      [1, 2, 2, 1, '0a0a0a'],
      [2, 16, 2, 1, '0b0b'],
    ]);
  });
});

describe('StreamReader', () => {
  test('sends every record as a frame, following .1 .2 .3, at the pace of a slow slave', async () => {
    const f = tmp('r.dat');
    const w = new StreamWriter();
    w.setMaxSize(100);
    w.open(f);
    for (let i = 0; i < 20; i++) w.getChannel(0).acceptFrame(new Frame(new Uint8Array(30).fill(i), { channel: i, flags: i * 3, error: i & 1 }));
    w.close();
    const r = new StreamReader({ maxPending: 2 });
    const got: string[] = [];
    let maxPending = 0;
    const slow: StreamSlave = {
      acceptFrame: async (fr) => {
        maxPending = Math.max(maxPending, r.pending);
        got.push(`${fr.payload[0]}:${fr.channel}:${fr.flags}:${fr.error}:${fr.size}`);
        await new Promise((res) => setImmediate(res));
      },
    };
    connectStream(r, slow);
    await r.open(`${f}.1`);
    expect(r.isActive()).toBe(true);
    await r.closeWait();
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `${i}:${i}:${i * 3}:${i & 1}:30`));
    expect(maxPending).toBe(0);
    expect(r.isActive()).toBe(false);
  });

  test('a record cut short becomes a frame with error 1 and no payload, and reading stops', async () => {
    const log: string[] = [];
    const f = tmp();
    fs.writeFileSync(f, Buffer.from('0600000034120099' + 'aabb' + '0a000000cdab0007' + '0102', 'hex'));
    const r = new StreamReader({ log: quietLog(log) });
    const got: Frame[] = [];
    connectStream(r, { acceptFrame: (fr: Frame) => void got.push(fr) });
    await r.open(f);
    await r.closeWait();
    expect(got.map((g) => [g.size, g.flags, g.error, g.channel])).toEqual([
      [2, 0x1234, 0, 0x99],
      [0, 0xabcd, 1, 7],
    ]);
    expect(log).toEqual(['W Short read. Ret = 2 Req = 6 after 0 bytes']);
  });
});

describe('flat memory and back-pressure', () => {
  test('PRBS → writer: 256 MiB of 1 MiB frames written with RSS flat (1 GiB: bench/daq.js)', () => {
    const f = tmp('big.dat');
    const w = new StreamWriter();
    const tx = new Prbs();
    connectStream(tx, w.getChannel(0));
    w.open(f);
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    for (let i = 0; i < 256; i++) {
      void tx.genFrame(1 << 20);
      if ((i & 7) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    w.close();
    expect(fs.statSync(f).size).toBe(256 * ((1 << 20) + 8));
    // frames are written as they come: nothing is held but the frame being written (and what the GC has not taken yet)
    expect(peak - rss0).toBeLessThan(64 << 20);
    fs.unlinkSync(f);
  }, 60000);
});
