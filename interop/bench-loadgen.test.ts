/**
 * The bench's C load generator side by side with two servers (loadgen -E):
 * what the wire bench's ratios to the zeromq.js echo are measured with
 * (docs/decisions/0010). Two C echoes, told apart by the request files (an
 * echo answers the request's own bytes), show that each side gets its own
 * requests, its own time and its own figures.
 */
import * as lib from '../tools/wire/lib';

jest.setTimeout(60_000);

describe('bench loadgen, side by side (-E)', () => {
  test('two echoes loaded in turn: each side its own requests, half the window each, nothing lost', async () => {
    lib.ensureTools();
    const ports = [await lib.freeBasePort(1), await lib.freeBasePort(1)];
    const echoes = await Promise.all(ports.map((p) => lib.startEcho(p, 60)));
    try {
      const files = lib.writeRequests({
        short: [['Root.A', 'value', [], {}]],
        long: [['Root.A.Much.Longer.Path.To.Tell.The.Sides.Apart', 'value', [], {}]],
      });
      const [short, long] = [lib.readRecords(files.short)[0].length, lib.readRecords(files.long)[0].length];
      expect(long).toBeGreaterThan(short);
      const r = await lib.runLoadgen({
        port: ports[0],
        file: files.short,
        clients: 2,
        warmup: 0.2,
        duration: 1.2,
        learn: true,
        pair: { port: ports[1], file: files.long, sliceMs: 100 },
      });
      expect(r.mode).toBe('pair');
      expect(r.exitCode).toBe(0);
      for (const side of [r.a, r.b]) {
        expect(side.ok_window).toBeGreaterThan(0);
        expect(side.lost + side.empty + side.mismatch + side.send_fail).toBe(0);
        // a b b a in every four slices: each side has half of the window
        expect(side.window_s).toBeCloseTo(0.6, 1);
        expect(side.rps).toBeCloseTo(side.ok_window / side.window_s, 0);
      }
      // each echo answered its own side's request bytes
      expect(r.a.reply_bytes_avg).toBe(short);
      expect(r.b.reply_bytes_avg).toBe(long);
    } finally {
      await Promise.all(echoes.map((e) => e.stop()));
    }
  });
});
