'use strict';
/**
 * Debian's chromium, headless, for the browser tests, the screenshot and the
 * web benchmark (puppeteer-core drives it; no browser is ever downloaded).
 * The background-networking flags matter: without them Chromium's own
 * connections to the internet are refused on a closed network and slow it down.
 *
 *   const { launch } = require('./scripts/browser');
 *   const browser = await launch();   // a fresh profile, removed on browser.close()
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

async function launch(opts = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60000,
    protocolTimeout: 60000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
    ],
    ...opts,
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try {
      await close();
    } finally {
      fs.rmSync(profile, { recursive: true, force: true });
    }
  };
  return browser;
}

module.exports = { launch, CHROMIUM };
