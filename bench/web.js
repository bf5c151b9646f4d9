'use strict';
/* global window, document, MutationObserver, requestAnimationFrame -- functions given to page.evaluate run in the browser */
/**
 * `make bench`, the browser view, in headless Debian chromium:
 *
 *  1. Time from opening the page (navigation start, the page's clock) to its
 *     first rows (the root's children) in the DOM and painted, against a
 *     100,000-variable tree (1,000 devices of 100 variables), as a ratio to
 *     the same page against the small example tree, both measured in this
 *     run; and until the whole list is in; then the time to expand one
 *     device of 100 variables (rows, then every row's details).
 *  2. End-to-end update latency, server set → value in the page's DOM
 *     (the animation frame that paints it), median and p99, at 1,000
 *     updates/s aggregate over the 100 variables of an expanded device; as a
 *     ratio to a Node VirtualClient subscribed to the same server in the same
 *     run (the publish path without the gateway and the browser).
 *
 * The server runs in its own process (bench/webserver.js) and stamps each
 * set with its sequence number as the value; both clocks are this machine's
 * (performance.timeOrigin + performance.now(), in Node and in Chromium).
 *
 *   node bench/run.js web [--seconds 5] [--runs 5] [--rate 1000]
 */
const path = require('path');
const { freeBasePort } = require('../tools/wire/lib');
const { fork } = require('child_process');
const { performance } = require('perf_hooks');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const { WebGateway } = require(path.join(DIST, 'web', 'gateway'));
const { VirtualClient } = require(path.join(DIST, 'client', 'virtual'));
const { launch } = require(path.join(ROOT, 'scripts', 'browser'));

// When the gateway sends each update (its share of the latency, before the WebSocket and the browser).
const gatewaySent = [];
const WebSocket = require('ws');
const wsSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data, ...rest) {
  if (typeof data === 'string' && data.startsWith('{"t":"updates"')) {
    const t = performance.timeOrigin + performance.now();
    for (const u of JSON.parse(data).u) if (/^\d{7}$/.test(u[1])) gatewaySent.push([Number(u[1]), t]);
  }
  return wsSend.call(this, data, ...rest);
};

/** The options (main's argv): --seconds, --runs, --rate. */
let SECONDS = 5;
let RUNS = 5;
let RATE = 1000;
const now = () => performance.timeOrigin + performance.now();

/** Three free ports from base (PUB, binary, string): the wire bench's helper. */
const freeBase = () => freeBasePort(3);

async function startServer(which) {
  const port = await freeBase();
  const child = fork(path.join(__dirname, 'webserver.js'), [which, String(port)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('READY')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`webserver ${which} exited ${code}`)));
  });
  return { child, port };
}

async function startGateway(port, readOnly) {
  const gw = new WebGateway({ server: { addr: '127.0.0.1', port }, port: 0, readOnly });
  await gw.start();
  while (!gw.linked) await new Promise((r) => setTimeout(r, 20));
  return gw;
}

const median = (xs) => pct(xs, 50);
function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const ms = (x) => `${x.toFixed(1)} ms`;

/**
 * Opening the page until the root's first child row: { dom, painted, settled } in ms from the
 * navigation's start (the page's own clock): the row in the DOM, the animation frame after it
 * (painted), and puppeteer seeing it (which waits for the page's main thread: the rest of a long
 * list going in).
 */
async function firstRows(browser, url, firstChild) {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument((sel) => {
    new MutationObserver((_, obs) => {
      if (!document.querySelector(sel)) return;
      window.__dom = performance.now();
      requestAnimationFrame(() => (window.__painted = performance.now()));
      obs.disconnect();
    }).observe(document, { subtree: true, childList: true });
  }, `tr[data-path="${firstChild}"]`);
  const t0 = now();
  await page.goto(url);
  await page.waitForSelector(`tr[data-path="${firstChild}"]`, { timeout: 60000 });
  const settled = now() - t0;
  await page.waitForFunction(() => window.__painted !== undefined);
  const r = await page.evaluate(() => ({ dom: window.__dom, painted: window.__painted }));
  await page.close();
  return { ...r, settled };
}

async function main(args) {
  const opt = (name, d) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  SECONDS = opt('seconds', SECONDS);
  RUNS = opt('runs', RUNS);
  RATE = opt('rate', RATE);
  const big = await startServer('big');
  const small = await startServer('example');
  const gwBig = await startGateway(big.port, true);
  const gwSmall = await startGateway(small.port, true);
  const browser = await launch();
  const out = [];
  try {
    // 1. first rows, alternating small and big so that both see the same machine.
    const big1 = [];
    const small1 = [];
    await firstRows(browser, gwSmall.url, 'Example.enable'); // warm-up
    for (let i = 0; i < RUNS; i++) {
      small1.push(await firstRows(browser, gwSmall.url, 'Example.enable'));
      big1.push(await firstRows(browser, gwBig.url, 'Root.Dev000'));
    }
    const m = (xs, k) => median(xs.map((x) => x[k]));
    const line = (xs) => `in the DOM ${ms(m(xs, 'dom'))}, painted ${ms(m(xs, 'painted'))}, whole list in (puppeteer sees the row) ${ms(m(xs, 'settled'))}`;
    out.push(`page open → first rows, 100,000-variable tree (root: 1,000 devices × 100 variables; ${RUNS} loads, medians): ${line(big1)}`);
    out.push(`page open → first rows, example tree (baseline):                                         ${line(small1)}`);
    out.push(
      `  ratio 100k tree / example tree: painted ${(m(big1, 'painted') / m(small1, 'painted')).toFixed(2)}, whole list ${(m(big1, 'settled') / m(small1, 'settled')).toFixed(2)}`,
    );

    // Expanding one device of 100 variables: rows, then all details.
    const page = await browser.newPage();
    // Arrival of each update message in the page, before the page handles it (the gateway + WebSocket share of the latency).
    await page.evaluateOnNewDocument(() => {
      window.__arrived = [];
      const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
      Object.defineProperty(WebSocket.prototype, 'onmessage', {
        set(f) {
          desc.set.call(this, (ev) => {
            const t = performance.timeOrigin + performance.now();
            if (ev.data.startsWith('{"t":"updates"')) for (const u of JSON.parse(ev.data).u) if (/^\d{7}$/.test(u[1])) window.__arrived.push([Number(u[1]), t]);
            f(ev);
          });
        },
      });
    });
    await page.goto(gwBig.url);
    await page.waitForSelector('tr[data-path="Root.Dev000"]');
    const t0 = now();
    await page.click('tr[data-path="Root.Dev000"] .twisty');
    await page.waitForSelector('tr[data-path="Root.Dev000.Var0000"]');
    const tRows = now() - t0;
    await page.waitForFunction(() => document.querySelector('tr[data-path="Root.Dev000.Var0099"] td.mode')?.textContent === 'RW', { timeout: 60000 });
    const tDetails = now() - t0;
    out.push(`expand a device of 100 variables: rows ${ms(tRows)}, all values and details ${ms(tDetails)}`);

    // 2. latency at 1,000 updates/s aggregate over Dev000's 100 variables.
    await page.evaluate(() => {
      window.__seen = [];
      const seen = window.__seen;
      new MutationObserver((records) => {
        const t = performance.timeOrigin + performance.now();
        for (const r of records) {
          const text = r.target.textContent;
          if (/^\d{7}$/.test(text)) seen.push([Number(text), t]);
        }
      }).observe(document.getElementById('rows'), { subtree: true, childList: true, characterData: true });
    });
    const client = await VirtualClient.connect({ addr: '127.0.0.1', port: big.port });
    const nodeSeen = [];
    client.addVarListener((p, v) => {
      if (p.startsWith('Root.Dev000.')) nodeSeen.push([Number(v.valueDisp), now()]);
    });
    const paths = Array.from({ length: 100 }, (_, i) => `Root.Dev000.Var${String(i).padStart(4, '0')}`);
    const sent = await new Promise((resolve) => {
      big.child.once('message', (m) => resolve(m.sent));
      big.child.send({ drive: { paths, rate: RATE, seconds: SECONDS, first: 1000000 } });
    });
    await new Promise((r) => setTimeout(r, 500));
    const pageSeen = await page.evaluate(() => window.__seen);
    const arrived = await page.evaluate(() => window.__arrived);
    client.close();
    const at = new Map(sent);
    const lat = (seen) => {
      const first = new Map();
      for (const [seq, t] of seen) if (at.has(seq) && !first.has(seq)) first.set(seq, t - at.get(seq));
      return [...first.values()];
    };
    const lp = lat(pageSeen);
    const ln = lat(nodeSeen);
    out.push(
      `update latency, server set → page DOM, ${RATE} updates/s aggregate for ${SECONDS} s (${sent.length} sets): ` +
        `median ${ms(median(lp))}, p99 ${ms(pct(lp, 99))} (${lp.length} values painted; one paint per frame shows the latest value of each variable)`,
    );
    const la = lat(arrived);
    const lg = lat(gatewaySent);
    out.push(`  of which server set → gateway sends it: median ${ms(median(lg))}, p99 ${ms(pct(lg, 99))}`);
    out.push(`  of which server set → update message in the page (gateway + WebSocket): median ${ms(median(la))}, p99 ${ms(pct(la, 99))}`);
    out.push(`update latency, server set → Node VirtualClient listener (baseline): median ${ms(median(ln))}, p99 ${ms(pct(ln, 99))} (${ln.length} seen)`);
    out.push(`  ratio page / VirtualClient: median ${(median(lp) / median(ln)).toFixed(2)}, p99 ${(pct(lp, 99) / pct(ln, 99)).toFixed(2)}`);
    await page.close();
  } finally {
    await browser.close();
    await gwBig.close();
    await gwSmall.close();
    big.child.kill('SIGTERM');
    small.child.kill('SIGTERM');
  }
  console.log('web (browser view, headless chromium):');
  for (const l of out) console.log('  ' + l);
}

module.exports = { main, usage: 'web [--seconds 5] [--runs 5] [--rate 1000]' };
