/**
 * Waiting on a condition instead of a fixed delay: a test then passes as soon as what it
 * waits for has happened, however loaded the machine, and fails only after a generous limit.
 */
export async function waitFor(cond: () => boolean, what: string, limitMs = 15000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error(`waited ${limitMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
