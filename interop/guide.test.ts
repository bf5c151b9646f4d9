/**
 * docs/guide.md: every TypeScript block is a file of examples/guide/ (whole), and
 * each of those files runs: its `main()` (asserting what the guide says) resolves.
 * ('pyrogue-ts' resolves to this repository's sources, jest.config.js.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { freeBasePort } from '../test/support/server';

const GUIDE_DIR = path.join(__dirname, '..', 'examples', 'guide');
const files = fs
  .readdirSync(GUIDE_DIR)
  .filter((f) => f.endsWith('.ts'))
  .sort();
jest.setTimeout(30000);

test('every ts block of docs/guide.md is a file of examples/guide, and every file is in the guide', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', 'docs', 'guide.md'), 'utf8');
  const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const texts = new Map(files.map((f) => [fs.readFileSync(path.join(GUIDE_DIR, f), 'utf8'), f]));
  expect(blocks.filter((b) => !texts.has(b)).map((b) => b.slice(0, 80))).toEqual([]);
  expect(files.filter((f) => !blocks.includes(fs.readFileSync(path.join(GUIDE_DIR, f), 'utf8')))).toEqual([]);
});

test.each(files)('examples/guide/%s runs', async (file) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- each guide file is loaded by its path, as a user would run it
  const mod = require(path.join(GUIDE_DIR, file)) as { main: (port?: number) => Promise<void> };
  await mod.main(await freeBasePort());
});
