/**
 * The encoder against the golden transcript: every reply the real pyrogue
 * v6.15.0 server sent (CPython 3.11 C pickle, protocol 4, numpy 1.24) is
 * rebuilt as a PyValue from its canonical form and encoded again.
 *
 *  - every reply must be equivalent under python-fixtures/pycanon.py;
 *  - every reply whose golden bytes are identity-free (no memo fetch of an
 *    object CPython shared by identity beyond what the encoder reproduces:
 *    globals and their names, ''/1-char str, b''/1-byte bytes, numpy dtypes)
 *    must be byte-identical.
 * Replies where the server shared one str object in two places (e.g. a node
 * name used as a dict key and as the 'name' value) cannot be byte-identical:
 * a JS string has no identity, so the encoder writes the second occurrence
 * again where CPython wrote a BINGET. Those count as equivalent.
 * The count line also reports encode(..., { shareStrings: true }) (every
 * distinct str one object), which reproduces most of that sharing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { encode } from '../src/pickle/encode';
import { canonBatch, canonEqual, fromCanon } from '../test/support/canon';

const TRANSCRIPT = path.join(__dirname, '..', 'golden', 'transcript.jsonl');

interface Exchange {
  id: string;
  reply?: unknown;
  reply_pickle?: string | null;
}

const exchanges: Exchange[] = fs
  .readFileSync(TRANSCRIPT, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as Exchange)
  .filter((e) => typeof e.reply_pickle === 'string');

describe('pickle encode: golden transcript replies (protocol 4)', () => {
  const golden = exchanges.map((e) => Buffer.from(e.reply_pickle as string, 'base64'));
  const ours = exchanges.map((e) => encode(fromCanon(e.reply as never), 4));
  const identical = ours.map((b, i) => Buffer.compare(b, golden[i]) === 0);
  const differing = ours.map((_b, i) => i).filter((i) => !identical[i]);
  // One Python process canonicalizes our differing outputs and classifies the golden pickles.
  const oursCanon = canonBatch(differing.map((i) => ours[i]));
  const goldenInfo = canonBatch(golden);

  test('the transcript has replies to check', () => {
    expect(exchanges.length).toBeGreaterThan(6000);
  });

  test('every reply is equivalent under pycanon.py', () => {
    const bad: string[] = [];
    differing.forEach((i, k) => {
      const r = oursCanon[k];
      if (r.error !== undefined || !canonEqual(r.canon, exchanges[i].reply)) bad.push(exchanges[i].id);
    });
    expect(bad).toEqual([]);
  });

  test('identity-free replies are byte-identical', () => {
    const bad: string[] = [];
    goldenInfo.forEach((g, i) => {
      expect(g.error).toBeUndefined();
      if ((g.shared ?? []).length === 0 && !identical[i]) bad.push(exchanges[i].id);
    });
    expect(bad).toEqual([]);
  });

  test('counts (identical / equivalent / total)', () => {
    const total = exchanges.length;
    const nIdentical = identical.filter(Boolean).length;
    const nEquivalent = nIdentical + differing.filter((i, k) => canonEqual(oursCanon[k].canon, exchanges[i].reply)).length;
    const identityFree = goldenInfo.filter((g) => (g.shared ?? []).length === 0).length;
    // With EncodeOptions.shareStrings (one object per distinct str, as pyrogue builds VariableValue):
    const sharedIdentical = exchanges.filter((e, i) => Buffer.compare(encode(fromCanon(e.reply as never), 4, { shareStrings: true }), golden[i]) === 0).length;
    console.log(
      `pickle encode vs golden replies: ${nIdentical} byte-identical / ${nEquivalent} canon-equivalent / ${total} total ` +
        `(${identityFree} identity-free, all byte-identical; ${total - nIdentical} differ only by CPython's shared str identity); ` +
        `with { shareStrings: true }: ${sharedIdentical} / ${total} byte-identical`,
    );
    expect(nEquivalent).toBe(total);
  });
});
