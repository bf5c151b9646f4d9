'use strict';
/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function and per
 * file, largest first; and the inclusive time of named functions. What
 * `node bench/run.js wire --profile` prints.
 */
const fs = require('fs');
const path = require('path');

/**
 * Inclusive time (self + callees) of the functions whose name matches one of
 * `names` (a frame counted once per sample even when recursive), in % of all samples.
 */
function inclusive(file, names) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const dt = p.timeDeltas || [];
  const acc = new Map(names.map((n) => [n, 0]));
  let total = 0;
  for (let i = 0; i < (p.samples || []).length; i++) {
    const t = dt[i] || 0;
    total += t;
    const seen = new Set();
    for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const name = byId.get(id).callFrame.functionName;
      if (acc.has(name) && !seen.has(name)) {
        seen.add(name);
        acc.set(name, acc.get(name) + t);
      }
    }
  }
  return names.map((n) => ({ name: n, pct: (100 * acc.get(n)) / total }));
}

function summarize(file, top = 25) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = p.timeDeltas || [];
  for (let i = 0; i < (p.samples || []).length; i++) {
    const id = p.samples[i];
    self.set(id, (self.get(id) || 0) + (dt[i] || 0));
  }
  let total = 0;
  const fn = new Map();
  const files = new Map();
  for (const [id, t] of self) {
    total += t;
    const cf = byId.get(id).callFrame;
    const url = cf.url ? cf.url.replace(/^file:\/\//, '') : '';
    const short = url ? path.relative(process.cwd(), url) : '';
    const name = `${cf.functionName || '(anonymous)'} ${short ? `${short}:${cf.lineNumber + 1}` : ''}`.trim();
    fn.set(name, (fn.get(name) || 0) + t);
    const fkey = short || cf.functionName || '(native)';
    files.set(fkey, (files.get(fkey) || 0) + t);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  const fmtRow = ([k, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`;
  const text = ['by function:', ...sorted(fn).map(fmtRow), 'by file:', ...sorted(files).slice(0, 15).map(fmtRow)].join('\n');
  return {
    total_ms: total / 1000,
    functions: sorted(fn).map(([k, t]) => ({ name: k, pct: (100 * t) / total })),
    files: sorted(files).map(([k, t]) => ({ file: k, pct: (100 * t) / total })),
    text,
  };
}

module.exports = { summarize, inclusive };
