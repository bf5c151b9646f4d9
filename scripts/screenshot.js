'use strict';
/* global document -- functions given to page.evaluate run in the browser */
/**
 * docs/web-example.png: the browser view of the example tree, made the way a
 * user would see it (`pyrogue-ts serve --tree example --http`), in headless
 * Debian chromium. Needs `make build`.
 *
 *   node scripts/screenshot.js [docs/web-example.png]
 *   node scripts/screenshot.js --plot [docs/web-plot.png]   # with plots: Sine and Temperature over ~10 s, Waveform as a curve
 */
const path = require('path');
require('../tools/require-ts');
const { freeBasePort } = require('../tools/wire/lib');
const ROOT = path.join(__dirname, '..');
const { serve } = require(path.join(ROOT, 'dist', 'server', 'serve'));
const { WebGateway } = require(path.join(ROOT, 'dist', 'web', 'gateway'));
const { launch } = require('./browser');

const PLOT = process.argv.includes('--plot');
const args = process.argv.slice(2).filter((a) => a !== '--plot');
const OUT = path.resolve(args[0] || path.join(ROOT, 'docs', PLOT ? 'web-plot.png' : 'web-example.png'));

async function main() {
  const port = await freeBasePort(3);
  const h = await serve({ tree: 'example', addr: '127.0.0.1', port });
  const gw = new WebGateway({ server: { addr: '127.0.0.1', port }, port: 0 });
  await gw.start();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 860 });
    await page.goto(gw.url);
    const row = (p) => `tr[data-path="${p}"]`;
    await page.waitForSelector(`${row('Example.Example')} .twisty`);
    // Example (expand=True) opens by itself, as in PyDM.
    await page.waitForSelector(`${row('Example.Example.Gain')} td.mode`);
    await page.waitForSelector(`${row('Example.Example.Wait')} button`);
    if (!PLOT) {
      // A warning and an alarm, a rejected set with the server's error, a command's return value.
      h.root.getNode('Example.Example.Temperature').set(72.5);
      h.root.getNode('Example.Example.Offset').set(1.5);
      const gain = `${row('Example.Example.Gain')} input`;
      await page.click(gain, { count: 3 });
      await page.type(gain, 'twelve');
      await page.keyboard.press('Enter');
      await page.waitForFunction((s) => document.querySelector(s).textContent !== '', {}, `${row('Example.Example.Gain')} .err`);
      await page.type(`${row('Example.Example.Echo')} input.arg`, 'hello');
      await page.click(`${row('Example.Example.Echo')} button`);
      await page.waitForFunction((s) => document.querySelector(s).textContent !== '', {}, `${row('Example.Example.Echo')} .ret`);
      await page.click(`${row('Example.Example.Add')} button`);
      await page.waitForSelector('#log .log-entry');
    }
    if (PLOT) await plots(page, h.root, row);
    await page.evaluate(() => {
      if (document.activeElement) document.activeElement.blur();
      for (const e of [document.scrollingElement, document.querySelector('main')]) if (e) e.scrollTop = 0;
    });
    await new Promise((r) => setTimeout(r, 700));
    await page.screenshot({ path: OUT });
    console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
  } finally {
    await browser.close();
    await gw.close();
    await h.close();
  }
}

/** Plots Sine (polled), Temperature (set here as a slow random walk) and Waveform (an array, polled) for ~10 s. */
async function plots(page, root, row) {
  for (const v of ['Sine', 'Temperature', 'Waveform']) await page.click(`${row(`Example.Example.${v}`)} .plot-toggle`);
  const temp = root.getNode('Example.Example.Temperature');
  let t = 55;
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    t = Math.min(78, Math.max(40, t + (Math.random() - 0.45) * 2));
    temp.set(Math.round(t * 10) / 10);
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.evaluate(() => document.querySelector('#plots').scrollIntoView());
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
