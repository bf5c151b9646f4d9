/**
 * Serving a tree from the command line: what `pyrogue-ts serve --tree
 * reference --addr 127.0.0.1 --port 9099` (and `make serve-reference`)
 * runs.
 *
 *     const h = await serve({ tree: 'reference', addr: '127.0.0.1', port: 9099 });
 *     ...                    // h.port, h.address, h.root, h.server
 *     await h.close();       // root.stop(): the server closes its sockets
 *
 * or `await serveUntilSignal({...})`, which also closes on SIGINT/SIGTERM.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { RootInterface, RootSurface } from '../tree/surface';
import { createExampleRoot } from '../examples/example';
import { createReferenceRoot } from '../examples/reference';
import { createPyrogueExampleRoot } from '../examples/pyrogueExample';
import { ZmqServer, type ZmqServerOptions } from './zmqServer';
import { buildTree, loadSnapshot } from '../snapshot';

/** A root that can be started and stopped (pyrogue `Root.start()` / `stop()`), starting its interfaces. */
export interface ServableRoot extends RootSurface, RootInterface {}

export type TreeFactory = () => ServableRoot | Promise<ServableRoot>;

// The built-in trees (`--tree reference`, `--tree example`): imported, built only when asked for.
const trees = new Map<string, TreeFactory>([
  ['reference', () => createReferenceRoot()],
  ['example', () => createExampleRoot()],
  ['pyrogue-example', () => createPyrogueExampleRoot()],
]);

/** Makes a named tree available to `serve({tree: name})` (and the CLI's --tree). */
export function registerTree(name: string, factory: TreeFactory): void {
  trees.set(name, factory);
}

export function treeNames(): string[] {
  return [...trees.keys()];
}

/** A real `import()`, also from this CommonJS build (tsc would turn `import()` into `require()`). */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real import() from this CommonJS build (tsc would turn import() into require())
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

const isClass = (v: unknown): boolean => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

const isRootLike = (v: unknown): v is ServableRoot =>
  typeof v === 'object' && v !== null && typeof (v as ServableRoot).start === 'function' && typeof (v as ServableRoot).addInterface === 'function';

/**
 * The tree a module file defines (`pyrogue-ts serve --tree ./lab-tree.js`), as a factory;
 * a `.json` (or `.json.gz`) file is a snapshot (docs/snapshot.md) and serves the tree it records.
 * The module (CommonJS or ES) exports a Root, or a function making one (may be async):
 * its default export (`export default`, `module.exports =`), otherwise its only export
 * that is a Root or a function (classes do not count).
 */
export async function loadTreeModule(file: string): Promise<TreeFactory> {
  const full = path.resolve(file);
  if (/\.json(\.gz)?$/.test(full)) {
    // a snapshot of a served tree (docs/snapshot.md): read now (a bad file fails at once), read again for a second root
    let snap: ReturnType<typeof loadSnapshot> | null = loadSnapshot(full);
    return () => {
      const s = snap ?? loadSnapshot(full);
      snap = null; // not kept while the tree is served
      return buildTree(s);
    };
  }
  let mod: Record<string, unknown>;
  try {
    mod = await dynamicImport(pathToFileURL(full).href);
  } catch (e) {
    throw new Error(`cannot load tree module ${full}: ${(e as Error).message}`);
  }
  // import() of CommonJS: `default` is module.exports; its named exports are there too.
  const def = mod.default;
  const named = (def !== null && typeof def === 'object' && !isRootLike(def) ? def : mod) as Record<string, unknown>;
  let pick: unknown = isRootLike(def) || typeof def === 'function' ? def : undefined;
  if (pick === undefined && 'default' in named && named !== mod) pick = named.default;
  if (pick === undefined || pick === null) {
    const found = Object.entries(named).filter(
      ([k, v]) => k !== 'default' && k !== '__esModule' && (isRootLike(v) || (typeof v === 'function' && !isClass(v))),
    );
    if (found.length !== 1)
      throw new Error(
        `${full} must export a Root or a function making one (as its default export, or as its only export); ` +
          (found.length ? `it exports several: ${found.map(([k]) => k).join(', ')}` : 'it exports none'),
      );
    pick = found[0][1];
  }
  if (isRootLike(pick)) {
    const root = pick;
    return () => root;
  }
  const make = pick as () => unknown;
  return async () => {
    const root = await make();
    if (!isRootLike(root)) throw new Error(`${full}: ${make.name || 'the exported function'}() returned ${root === null ? 'null' : typeof root}, not a Root`);
    return root;
  };
}

export interface ServeOptions extends Omit<ZmqServerOptions, 'root'> {
  /** A registered tree name ('reference', 'example'), a root, or a factory of one. */
  tree: string | ServableRoot | TreeFactory;
}

export interface ServeHandle {
  root: ServableRoot;
  server: ZmqServer;
  /** The bound base port. */
  port: number;
  /** "host:port" for clients. */
  address: string;
  /** Stops the root (and with it the server). */
  close(): Promise<void>;
}

/** The root a tree option names or makes. */
export async function resolveTree(tree: ServeOptions['tree']): Promise<ServableRoot> {
  if (typeof tree === 'string') {
    const f = trees.get(tree);
    if (!f) throw new Error(`unknown tree '${tree}' (known: ${treeNames().join(', ')})`);
    return f();
  }
  if (typeof tree === 'function') return tree();
  return tree;
}

/** Builds the tree, attaches a ZmqServer (pyrogue: `root.addInterface(ZmqServer(...))`) and starts the root. */
export async function serve(options: ServeOptions): Promise<ServeHandle> {
  const { tree, ...serverOptions } = options;
  const root = await resolveTree(tree);
  const server = new ZmqServer({ ...serverOptions, root });
  root.addInterface(server);
  await root.start();
  let closed = false;
  return {
    root,
    server,
    port: server.port(),
    address: server.address,
    async close() {
      if (closed) return;
      closed = true;
      await root.stop();
      await server.stop(); // in case the root does not stop its interfaces
    },
  };
}

/** `serve`, then close on SIGINT/SIGTERM; resolves once closed. */
export async function serveUntilSignal(options: ServeOptions): Promise<void> {
  const h = await serve(options);
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      h.close().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
