'use strict';
/**
 * Trees served by the wire benchmarks, built with the public tree API (dist/tree):
 *
 *   benchTree()                 the reference tree + a Bench device (Counter for set+publish,
 *                               Array64: a 64-element float64 array)
 *   bigTree({devices, vars})    Root + `devices` devices (Dev000...) of `vars` LocalVariables each
 */
const path = require('path');
const dist = process.env.WIRE_DIST || path.join(__dirname, '..', '..', 'dist');
const tree = require(path.join(dist, 'tree'));
const values = require(path.join(dist, 'py', 'values'));

function benchDevice() {
  const dev = new tree.Device({ name: 'Bench', description: 'wire benchmark variables' });
  dev.add(new tree.LocalVariable({ name: 'Counter', value: 0n, mode: 'RW' }));
  const a = [];
  for (let i = 0; i < 64; i++) a.push(i + 0.5);
  dev.add(new tree.LocalVariable({ name: 'Array64', value: values.NdArray.from(values.NpDtype.float64, a), mode: 'RW' }));
  return dev;
}

function benchTree() {
  const { createReferenceRoot } = require(path.join(dist, 'examples', 'reference'));
  const root = createReferenceRoot();
  root.add(benchDevice());
  return root;
}

/** Zero-padded index: width of `n - 1` (so 1000 → 3 digits). */
function pad(i, n) {
  return String(i).padStart(String(n - 1).length, '0');
}

/** Root 'Root' with `devices` devices named Dev000.. (3 digits up to 1,000) of `vars` LocalVariables Var0000.. (4 digits up to 10,000) (int, RW). */
function bigTree({ devices, vars }) {
  const root = new tree.Root({ name: 'Root', description: 'generated tree', pollEn: false });
  for (let d = 0; d < devices; d++) {
    const dev = new tree.Device({ name: `Dev${pad(d, Math.max(devices, 1000))}`, description: `generated device ${d}` });
    for (let v = 0; v < vars; v++) {
      dev.add(new tree.LocalVariable({ name: `Var${pad(v, Math.max(vars, 10000))}`, value: BigInt(v), mode: 'RW', description: 'generated' }));
    }
    root.add(dev);
  }
  return root;
}

/** Paths of every Device of a (built) root, root first: what VirtualClient asks `nodes` of. */
function devicePaths(root) {
  const out = [root.path];
  for (const n of root.descendants()) if (n instanceof tree.Device) out.push(n.path);
  return out;
}

module.exports = { benchTree, bigTree, devicePaths };
