/**
 * The repository's copies of the pyrogue recordings (golden/) are the upstream
 * ones (../shared/golden, beside the repository) byte for byte, when that upstream
 * is there; `make golden` refreshes them. Without it (a bare clone) the copies are
 * only checked to be present and well-formed.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const GOLDEN = path.join(__dirname, '..', 'golden');
const UPSTREAM = path.join(__dirname, '..', '..', 'shared', 'golden');
const FILES = ['transcript.jsonl', 'semantics.jsonl', 'tree.json'];

const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('golden/ recordings', () => {
  test.each(FILES)('%s is present and parses', (name) => {
    const text = fs.readFileSync(path.join(GOLDEN, name), 'utf8');
    if (name.endsWith('.jsonl')) {
      const lines = text.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(500);
      for (const l of lines) expect(typeof JSON.parse(l).id).toBe('string');
    } else {
      expect(Object.keys(JSON.parse(text)).length).toBeGreaterThan(0);
    }
  });

  test('golden/README.md records the SHA-256 of each copy', () => {
    const readme = fs.readFileSync(path.join(GOLDEN, 'README.md'), 'utf8');
    for (const name of FILES) expect(readme).toContain(`${sha256(path.join(GOLDEN, name))}  ${name}`);
  });

  const upstream = fs.existsSync(UPSTREAM);
  (upstream ? test : test.skip)('the copies equal ../shared/golden (run `make golden` to refresh)', () => {
    const stale = FILES.filter((name) => sha256(path.join(GOLDEN, name)) !== sha256(path.join(UPSTREAM, name)));
    expect(stale).toEqual([]);
  });
  if (!upstream) test('../shared/golden is not beside the repository: the currency check is skipped', () => undefined);
});
