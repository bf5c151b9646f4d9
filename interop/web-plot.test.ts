/// <reference lib="dom" />
// Functions given to page.evaluate / $eval / waitForFunction run in the browser: DOM types.
/**
 * The browser view's plots (src/web/page/plot.ts), in headless Debian chromium against
 * `pyrogue-ts serve --tree example --http`: a time trace of a scalar variable fed by the
 * publish stream (values a Python SimpleClient sets, values the tree polls, also while the
 * variable's device is collapsed), a numpy array as a curve, a str refused as not numeric,
 * the ring bound per trace, redraws coalesced per animation frame, and pixels on the canvas.
 */
import type { Browser, Page } from 'puppeteer-core';
import { ensureWebBuilt, expand, launch, openPage, pyClient, serveWithHttp, type Gateway } from '../test/support/web';

jest.setTimeout(180000);

const RING = 2000; // src/web/page/plot.ts
const sel = (p: string) => `tr[data-path="${p}"]`;
const chip = (p: string) => `#plots .plot-chip[data-plot="${p}"]`;

let browser: Browser | null = null;
let gw: (Gateway & { port: number }) | null = null;
let p: Page;
let errors: string[] = [];

beforeAll(async () => {
  await ensureWebBuilt();
  browser = await launch();
  gw = await serveWithHttp('example');
  ({ page: p, errors } = await openPage(browser, gw.url));
  await expand(p, 'Example.Example', 'Example.Example.Gain');
});

afterAll(async () => {
  await p.close();
  await browser?.close();
  await gw?.stop();
  expect(errors).toEqual([]);
});

/** A chip's data attributes (kind, points, last value). */
const chipData = (path: string) => p.$eval(chip(path), (e) => ({ ...(e as HTMLElement).dataset }));

/** Waits until a chip's dataset passes `ok` (polled from the test: the page's CSP forbids evaluating new code in it). */
async function waitChip(path: string, ok: (d: Record<string, string | undefined>) => boolean): Promise<void> {
  const t0 = Date.now();
  let last: Record<string, string | undefined> | null = null;
  for (;;) {
    last = (await p.$(chip(path))) === null ? null : await chipData(path);
    if (last !== null && ok(last)) return;
    if (Date.now() - t0 > 30000) throw new Error(`plot chip ${path}: still ${JSON.stringify(last)} after 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pixels of a canvas in `box` drawn in the colour (r, g, b) (uPlot draws the series in its stroke colour). */
function colouredPixels(box: string, rgb: [number, number, number]): Promise<number> {
  return p.$eval(
    box,
    (e, c) => {
      const canvas = e.querySelector('canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i] - c[0]) < 40 && Math.abs(data[i + 1] - c[1]) < 40 && Math.abs(data[i + 2] - c[2]) < 40 && data[i + 3] > 128) n++;
      return n;
    },
    rgb,
  );
}

test('no plot panel until a variable is plotted; every variable row has a plot toggle', async () => {
  expect(await p.$eval('#plots', (e) => (e as HTMLElement).hidden)).toBe(true);
  for (const v of ['Gain', 'Sine', 'Waveform', 'Label']) expect(await p.$(`${sel(`Example.Example.${v}`)} .plot-toggle`)).not.toBeNull();
  expect(await p.$(`${sel('Example.Example.Add')} .plot-toggle`)).toBeNull();
});

test('a scalar variable: a time trace of every value published (a Python client sets them), starting from the current one', async () => {
  await pyClient(gw!.port, "c.setDisp('root.Example.Gain', '2')");
  await p.click(`${sel('Example.Example.Gain')} .plot-toggle`);
  await waitChip('Example.Example.Gain', (d) => d.kind === 'trace' && d.points === '1' && d.last === '2');
  expect(await p.$eval(`${sel('Example.Example.Gain')} .plot-toggle`, (e) => e.classList.contains('on'))).toBe(true);
  expect(await p.$eval('#plots', (e) => (e as HTMLElement).hidden)).toBe(false);
  await pyClient(gw!.port, "for i in (3, 4, 5, 6, 7): c.set('root.Example.Gain', i)");
  await waitChip('Example.Example.Gain', (d) => d.points === '6' && d.last === '7');
  // The trace is drawn: pixels in its colour (the first, #2563eb) on the time chart.
  await p.waitForSelector('#plots .plot-time canvas');
  expect(await colouredPixels('#plots .plot-time', [0x25, 0x63, 0xeb])).toBeGreaterThan(50);
});

test('a polled variable keeps coming while its device is collapsed (the plot is fed by the publish stream, not by the rows)', async () => {
  await p.click(`${sel('Example.Example.Sine')} .plot-toggle`);
  await waitChip('Example.Example.Sine', (d) => d.kind === 'trace' && Number(d.points) >= 2);
  await p.click(`${sel('Example.Example')} .twisty`); // collapse
  await p.waitForFunction((s: string) => document.querySelector(s) === null, {}, sel('Example.Example.Sine'));
  const before = Number((await chipData('Example.Example.Sine')).points);
  await waitChip('Example.Example.Sine', (d) => Number(d.points) >= before + 2);
  await expand(p, 'Example.Example', 'Example.Example.Gain');
  // The rows come back with their toggles on.
  expect(await p.$eval(`${sel('Example.Example.Sine')} .plot-toggle`, (e) => e.getAttribute('aria-pressed'))).toBe('true');
});

test('a numpy array variable: its latest value as a curve, by index', async () => {
  await p.click(`${sel('Example.Example.Waveform')} .plot-toggle`);
  await waitChip('Example.Example.Waveform', (d) => d.kind === 'curve' && d.points === '100');
  await p.waitForSelector('#plots .plot-curve[data-curve="Example.Example.Waveform"] canvas');
  // Its colour is the third (#16a34a).
  expect(await colouredPixels('#plots .plot-curve[data-curve="Example.Example.Waveform"]', [0x16, 0xa3, 0x4a])).toBeGreaterThan(50);
  // A numpy array set from Python is drawn too.
  await p.click(`${sel('Example.Example.Samples')} .plot-toggle`);
  await waitChip('Example.Example.Samples', (d) => d.kind === 'curve' && d.points === '3');
  await pyClient(gw!.port, "import numpy\nc.set('root.Example.Samples', numpy.array([1.0, 2.0, 4.0, 8.0, 16.0]))");
  await waitChip('Example.Example.Samples', (d) => d.points === '5');
});

test('a str variable is not plotted: its chip says so', async () => {
  await p.click(`${sel('Example.Example.Label')} .plot-toggle`);
  await waitChip('Example.Example.Label', (d) => d.kind === 'none');
  expect(await p.$eval(`${chip('Example.Example.Label')} .plot-note`, (e) => e.textContent)).toBe('not numeric');
  await p.click(`${chip('Example.Example.Label')} .plot-close`);
  expect(await p.$(chip('Example.Example.Label'))).toBeNull();
  expect(await p.$eval(`${sel('Example.Example.Label')} .plot-toggle`, (e) => e.classList.contains('on'))).toBe(false);
});

test('fast updates: every value reaches the trace, at most RING are kept, and redraws are coalesced per animation frame', async () => {
  const before = await p.$eval('#plots', (e) => ({ redraws: Number((e as HTMLElement).dataset.redraws), samples: Number((e as HTMLElement).dataset.samples) }));
  const n = RING + 200;
  await pyClient(gw!.port, `for i in range(${n}): c.set('root.Example.Gain', i % 16)`);
  await waitChip('Example.Example.Gain', (d) => d.points === String(RING) && d.last === String((n - 1) % 16));
  const after = await p.$eval('#plots', (e) => ({ redraws: Number((e as HTMLElement).dataset.redraws), samples: Number((e as HTMLElement).dataset.samples) }));
  expect(after.samples - before.samples).toBeGreaterThanOrEqual(n);
  // Many samples per redraw: the page draws once per frame, not once per value.
  expect(after.redraws - before.redraws).toBeLessThan((after.samples - before.samples) / 4);
});

test('plots stop on the gateway too: an unplotted variable gets no more samples', async () => {
  await p.click(`${chip('Example.Example.Sine')} .plot-close`);
  await p.click(`${chip('Example.Example.Waveform')} .plot-close`);
  // Every sample message the page receives is counted (plotted or not): once those already
  // on their way are in, three poll periods of Sine and Waveform bring none.
  const received = async () => Number(await p.$eval('#plots', (e) => (e as HTMLElement).dataset.received));
  await new Promise((r) => setTimeout(r, 300));
  const r0 = await received();
  await new Promise((r) => setTimeout(r, 1500));
  expect(await received()).toBe(r0);
});
