/**
 * Every code block of README.md and docs/ (fenced, and indented ones) is accounted for:
 *
 *   - TypeScript: a file of examples/ (whole); each runs here (README's tree and the guide's
 *     files in interop/readme-example.test.ts and interop/guide.test.ts), and
 *     interop/package.test.ts compiles them all against the packed package;
 *   - Python: a file of examples/python/ (whole), run with /usr/bin/python3 against a server
 *     of this package: with pyzmq only, or through python-fixtures/tier.py (real pyrogue when
 *     it is importable, else the compat stand-in), or only with real pyrogue (skipped without);
 *   - JSON: README's tsconfig.json, examples/readme-tsconfig.json (package.test.ts uses it);
 *   - shell: parsed by bash, and each command checked: make targets exist, `pyrogue-ts` verbs
 *     and their options exist (the CLI's --help), scripts and files named exist, python -c
 *     code compiles, pyrogue's CLI verbs are pyrogue's;
 *   - other text (a usage summary, an error text, a wire example, a diagram, recorded output):
 *     one of TEXT_CHECKS below, which checks it against the code.
 *
 * A block none of these recognises fails the first test: a new block needs a check.
 * Blocks run with the port 9099 (and the memory port 9000) replaced by free ones.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MemoryTcpServer } from '../src/bridge/server';
import { serve } from '../src/server/serve';
import { EmulatedMemory } from '../src/tree/memory';
import { Device, RemoteVariable, Root, UInt, type LocalVariable } from '../src/tree';
import type { PyError } from '../src/py/errors';
import createLabRoot from '../examples/lab-tree';
import createDaqRoot from '../examples/daq-tree';
import { fileio, prbs } from '../src';
import { CLI, ensureBuilt, ROOT_DIR } from '../test/support/cliRun';
import { snapshotOf } from '../test/support/snapshot';
import { createReferenceRoot } from '../src/examples/reference';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from '../src/snapshot';
import { freeBasePort, PYTHON } from '../test/support/server';

jest.setTimeout(120000);

const EXAMPLES = path.join(ROOT_DIR, 'examples');

interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}

/** The code blocks of a Markdown file: fenced (with their language) and indented (language 'indented'). */
function blocksOf(file: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT_DIR, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (fence) {
      const start = i;
      let j = i + 1;
      while (j < lines.length && !lines[j].startsWith('```')) j++;
      out.push({ file, line: start + 1, lang: fence[1], text: lines.slice(start + 1, j).join('\n') + '\n' });
      i = j;
      continue;
    }
    if (/^ {4,}\S/.test(lines[i]) && (i === 0 || lines[i - 1].trim() === '')) {
      let j = i;
      while (j < lines.length && (/^ {4,}/.test(lines[j]) || (lines[j].trim() === '' && /^ {4,}/.test(lines[j + 1] ?? '')))) j++;
      const body = lines.slice(i, j);
      const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
      out.push({ file, line: i + 1, lang: 'indented', text: body.map((l) => l.slice(indent)).join('\n') + '\n' });
      i = j - 1;
    }
  }
  return out;
}

function docFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(path.join(ROOT_DIR, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));
  return ['README.md', ...walk('docs').sort()];
}

const BLOCKS = docFiles().flatMap(blocksOf);
const where = (b: Block) => `${b.file}:${b.line}`;

/** Files of a folder (relative), recursively, with an extension. */
function filesOf(dir: string, ext: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesOf(path.join(dir, e.name), ext).map((f) => path.join(e.name, f)) : e.name.endsWith(ext) ? [e.name] : []));
}
const TS_EXAMPLES = filesOf(EXAMPLES, '.ts');
const PY_EXAMPLES = filesOf(path.join(EXAMPLES, 'python'), '.py');
const read = (...p: string[]) => fs.readFileSync(path.join(...p), 'utf8');

// --- the CLI's help, for shell blocks and the usage summary ------------------------------

const helpCache = new Map<string, string>();
async function cliHelp(verb: string | null): Promise<string> {
  const key = verb ?? '';
  if (!helpCache.has(key)) {
    const r = await execa('node', [CLI, ...(verb ? [verb] : []), '--help'], { cwd: ROOT_DIR, reject: false });
    helpCache.set(key, r.exitCode === 0 ? r.stdout : '');
  }
  return helpCache.get(key)!;
}

const GLOBAL_WITH_VALUE = new Set(['--server', '--timeout']);

/** Problems with a `pyrogue-ts ARGS` command: its verb must exist and each of its options be in its help. */
async function checkCli(args: string[]): Promise<string[]> {
  const problems: string[] = [];
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) {
    const opt = args[i].split('=')[0];
    if (!(await cliHelp(null)).includes(opt)) problems.push(`pyrogue-ts has no global option ${opt}`);
    i += GLOBAL_WITH_VALUE.has(opt) && !args[i].includes('=') ? 2 : 1;
  }
  const verb = args[i];
  if (verb === undefined) return problems;
  const help = await cliHelp(verb);
  if (help === '') return [...problems, `pyrogue-ts has no verb '${verb}'`];
  for (const a of args.slice(i + 1)) {
    if (!a.startsWith('--')) continue;
    const opt = a.split('=')[0];
    if (!help.includes(opt) && !(await cliHelp(null)).includes(opt)) problems.push(`pyrogue-ts ${verb} has no option ${opt}`);
  }
  return problems;
}

// --- shell blocks ---------------------------------------------------------------------

/** Shell words of one line (quotes kept together, comments dropped); a simple tokenizer for the commands docs show. */
function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '#' && !has && cur === '') break;
    else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/** The commands of a shell text: continuation lines joined, multi-line quotes kept in one command. */
function commands(text: string): string[][] {
  const joined = text.replace(/\\\n/g, ' ');
  const out: string[][] = [];
  let pending = '';
  for (const line of joined.split('\n')) {
    pending = pending ? `${pending}\n${line}` : line;
    // A quote still open: the command goes on on the next line.
    const open = (pending.replace(/"[^"]*"|'[^']*'/g, '').match(/["']/g) ?? []).length % 2 === 1;
    if (open) continue;
    const w = words(pending.replace(/\n/g, ' ')).filter((x) => x !== '&');
    pending = '';
    // Redirections and what follows them are not the command's arguments.
    const cut = w.findIndex((x) => /^\d?>|^</.test(x));
    const cmd = cut < 0 ? w : w.slice(0, cut);
    while (cmd.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(cmd[0])) cmd.shift(); // VAR=value prefixes
    if (cmd.length > 0) out.push(cmd);
  }
  return out;
}

/** Files users make themselves that docs run (`node lab-tree.js`...): the examples compiled, and a lab's own tree. */
const USER_FILES = new Set([
  ...TS_EXAMPLES.map((f) => f.replace(/\.ts$/, '.js')),
  ...TS_EXAMPLES.map((f) => `./${f.replace(/\.ts$/, '.js')}`),
  ...PY_EXAMPLES,
  'lab_root.py',
]);
const PYROGUE_VERBS = ['gui', 'timeplot', 'syslog', 'monitor', 'get', 'value', 'set', 'exec', 'path']; // python -m pyrogue's (rogue v6.15.0)
const NPM_COMMANDS = ['install', 'ci', 'install-scripts', 'rebuild', 'run', 'test', 'pack'];

function makeTargets(): Set<string> {
  const mk = read(ROOT_DIR, 'Makefile');
  return new Set([...mk.matchAll(/^([a-z][\w-]*):/gm)].map((m) => m[1]));
}

async function checkShell(text: string): Promise<string[]> {
  const parse = await execa('bash', ['-n'], { input: text, reject: false });
  if (parse.exitCode !== 0) return [`bash -n: ${parse.stderr}`];
  const problems: string[] = [];
  const fileOk = (f: string) => fs.existsSync(path.join(ROOT_DIR, f)) || USER_FILES.has(f);
  for (const cmd of commands(text)) {
    const [c, ...args] = cmd;
    if (c === 'make') {
      for (const t of args.filter((a) => !a.includes('=') && !a.startsWith('-'))) if (!makeTargets().has(t)) problems.push(`no make target '${t}'`);
    } else if (c === 'npx') {
      const [tool, ...rest] = args.filter((a) => a !== '--no-install');
      if (tool === 'pyrogue-ts') problems.push(...(await checkCli(rest)));
      else if (!fs.existsSync(path.join(ROOT_DIR, 'node_modules', '.bin', tool))) problems.push(`npx: no ${tool} in node_modules/.bin`);
    } else if (c === 'pyrogue-ts') {
      problems.push(...(await checkCli(args)));
    } else if (c === 'node') {
      const [file, ...rest] = args.filter((a) => !a.startsWith('--'));
      if (file === 'dist/cli.js') problems.push(...(await checkCli(args.slice(1))));
      else if (!fileOk(file)) problems.push(`node: no file ${file}`);
      void rest;
    } else if (c === 'python' || c === 'python3' || c === '/usr/bin/python3') {
      if (args[0] === '-m') {
        if (args[1] !== 'pyrogue') problems.push(`python -m ${args[1]}: not pyrogue`);
        const verb = args.slice(2).filter((a, i, all) => !a.startsWith('-') && !(all[i - 1] ?? '').startsWith('--'))[0];
        if (!PYROGUE_VERBS.includes(verb)) problems.push(`python -m pyrogue has no verb '${verb}'`);
      } else if (args[0] === '-c') {
        const r = await execa(PYTHON, ['-c', 'import sys; compile(sys.stdin.read(), "<doc>", "exec")'], { input: args[1], reject: false });
        if (r.exitCode !== 0) problems.push(`python -c code does not compile: ${r.stderr}`);
      } else if (!fileOk(args[0])) problems.push(`${c}: no script ${args[0]}`);
    } else if (c === 'npm') {
      if (!NPM_COMMANDS.includes(args[0])) problems.push(`npm ${args[0]}: not a command these docs should need`);
    } else if (c === 'conda' || c === 'export' || c === 'cd') {
      // environment set-up of the user's own machine
    } else {
      problems.push(`unknown command '${c}'`);
    }
  }
  return problems;
}

// --- other text blocks ------------------------------------------------------------------

/** Checks of the blocks that are neither code nor shell; `match` picks the block by its text. */
const TEXT_CHECKS: { what: string; match: RegExp; check: (text: string) => Promise<string[]> | string[] }[] = [
  {
    what: "README's CLI usage summary: every verb and option exists",
    match: /^pyrogue-ts serve \[--tree/,
    check: async (text) => {
      const problems: string[] = [];
      let verbs: string[] = [];
      for (const line of text.trim().split('\n')) {
        const w = line.trim().replace(/[[\]]/g, ' ').replace(/…/g, ' ').split(/\s+/);
        // A line of its own names its verb(s); an indented line goes on with the one above.
        if (line.startsWith('pyrogue-ts ')) verbs = (w.find((x, i) => i > 0 && /^[a-z][a-z|-]*$/.test(x) && !w[i - 1].startsWith('-')) ?? '').split('|');
        for (const v of verbs) if ((await cliHelp(v)) === '') problems.push(`no verb ${v}`);
        for (const o of w.filter((x) => x.startsWith('--'))) {
          const helps = [await cliHelp(null), ...(await Promise.all(verbs.map((v) => cliHelp(v))))];
          if (!helps.some((h) => h.includes(o))) problems.push(`no option ${o}`);
        }
      }
      return problems;
    },
  },
  {
    what: "the memory bridge's transaction error: what a variable raises when its memory fails (its text given as <text>)",
    match: /^rogue\.GeneralError: Block::checkTransaction/,
    check: async (text) => {
      const failing = { read: () => Promise.reject(new Error('<text>')), write: () => Promise.reject(new Error('<text>')) };
      const root = new Root({ name: 'Root', pollEn: false });
      const dev = new Device({ name: 'AxiVersion', memBase: failing, offset: 0 });
      dev.add(new RemoteVariable({ name: 'ScratchPad', offset: 0x4, bitSize: 32, base: UInt, mode: 'RW' }));
      root.add(dev);
      await root.start();
      try {
        const sp = root.getNode('Root.AxiVersion.ScratchPad', RemoteVariable)!;
        const e = (await Promise.resolve(sp.get()).catch((x: unknown) => x)) as PyError;
        const got = `${e.pyType}: ${e.message}`;
        return got === text.replace(/\s+/g, ' ').trim() ? [] : [`raised: ${got}`];
      } finally {
        await root.stop();
      }
    },
  },
  {
    what: "docs/snapshot.md's file example (… elides): its format and version, and each field it shows as the reference tree's snapshot has it",
    match: /^\{\n {2}"format": "pyrogue-ts-snapshot"/,
    check: async (text) => {
      const root = createReferenceRoot({ heartbeatMs: 0 });
      try {
        const file = await snapshotOf(root, { allProps: false });
        const problems: string[] = [];
        if (!text.includes(`"format": ${JSON.stringify(SNAPSHOT_FORMAT)}`) || !text.includes(`"version": ${SNAPSHOT_VERSION},`))
          problems.push('format or version');
        for (const k of Object.keys(file)) if (!text.includes(`"${k}": `)) problems.push(`the file's field ${k} is not shown`);
        // the example with its "…" entries left out is JSON; what it shows is in the file (the run's created/server/tool aside)
        let shown: Record<string, unknown>;
        try {
          shown = JSON.parse(text.replace(/, "…": (\{\}|null)/g, '').replace(/, "…"/g, '')) as Record<string, unknown>;
        } catch (e) {
          return [...problems, `not JSON once … is left out: ${String(e)}`];
        }
        const within = (w: unknown, h: unknown, at: string): void => {
          if (Array.isArray(w)) {
            if (!Array.isArray(h)) problems.push(`${at}: not a list in the file`);
            // a list of nodes: each shown node against the file's node of its path; else each item is in the file's list
            else if (at === 'nodes')
              for (const n of w as { path: string }[])
                within(
                  n,
                  (h as { path: string }[]).find((x) => x.path === n.path),
                  `node ${n.path}`,
                );
            else if (w.some((x) => !h.some((y) => JSON.stringify(y) === JSON.stringify(x)))) problems.push(`${at}: ${JSON.stringify(w)}`);
          } else if (w !== null && typeof w === 'object') {
            if (h === null || typeof h !== 'object') problems.push(`${at}: not an object in the file`);
            else for (const [k, v] of Object.entries(w)) within(v, (h as Record<string, unknown>)[k], `${at}.${k}`);
          } else if (JSON.stringify(w) !== JSON.stringify(h)) problems.push(`${at}: ${JSON.stringify(w)} (the file: ${JSON.stringify(h)})`);
        };
        for (const k of ['classes', 'nodes', 'read']) within(shown[k], (file as unknown as Record<string, unknown>)[k], k);
        return problems;
      } finally {
        await root.stop();
      }
    },
  },
  {
    what: 'serve --memory with nobody answering: the text the CLI prints',
    match: /^Timed out waiting for remote TcpServer readiness/,
    check: async (text) => {
      const port = await freeBasePort();
      const r = await execa('node', [CLI, 'serve', '--tree', 'reference', '--port', '0', '--memory', `tcp://127.0.0.1:${port}`], {
        cwd: ROOT_DIR,
        reject: false,
        timeout: 60000,
      });
      const want = text
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/daq-host/g, '127.0.0.1')
        .replace(/9001/g, String(port + 1))
        .replace(/9000/g, String(port));
      return r.stderr.replace(/\s+/g, ' ').includes(want) ? [] : [`the CLI printed: ${r.stderr}`];
    },
  },
  {
    what: "docs/protocol.md's request dict: a Python literal with the request's four keys, which pickles",
    match: /^\{'path': /,
    check: async (text) => {
      const r = await execa(PYTHON, ['-c', 'import ast, pickle, sys; d = ast.literal_eval(sys.stdin.read()); pickle.dumps(d); print(sorted(d))'], {
        input: text,
        reject: false,
      });
      return r.stdout.trim() === "['args', 'attr', 'kwargs', 'path']" ? [] : [`${r.stdout} ${r.stderr}`];
    },
  },
  {
    what: "docs/protocol.md's string-port request: JSON with attr, path and args",
    match: /^\{"attr": /,
    check: (text) => {
      const o = JSON.parse(text) as Record<string, unknown>;
      return Object.keys(o).sort().join() === 'args,attr,path' ? [] : ['not the string port request shape'];
    },
  },
  {
    what: "docs/web.md's diagram: the files it names exist",
    match: /^browser ── HTTP/,
    check: (text) => [...text.matchAll(/\((src\/[\w/]+\.ts)/g)].flatMap((m) => (fs.existsSync(path.join(ROOT_DIR, m[1])) ? [] : [`no ${m[1]}`])),
  },
  {
    what: "docs/rudp.md's recorded bench/rudp.js output: what bench/rudp.js measures and prints",
    match: /^firmware link bench: /,
    check: (text) => {
      const src = read(ROOT_DIR, 'bench', 'rudp.js');
      return ['firmware link bench', 'in flight', 'raw UDP', "rogue's C++ SrpV3 client", 'end to end, RemoteVariable get'].flatMap((p) =>
        text.includes(p) && src.includes(p) ? [] : [`'${p}'`],
      );
    },
  },
  {
    what: "docs/daq.md's `pyrogue-ts datafile` output: the run it describes (examples/daq-tree.ts), summarized by the CLI, digits aside",
    match: /^\$ pyrogue-ts datafile /,
    check: async (text) => {
      const lines = text.trim().split('\n');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-doc-datafile-'));
      const root = createDaqRoot();
      await root.start();
      try {
        // MaxFileSize 1 MiB, 1,325 frames of 1 KiB from genFrame
        const writer = root.getNode('Daq.StreamWriter', fileio.StreamWriter)!;
        writer.DataFile.set(path.join(dir, 'run.dat'));
        writer.MaxFileSize.set(1048576n);
        await writer.Open.call();
        await root.getNode('Daq.PrbsTx', prbs.PrbsTx)!.genFrame.call(1325n);
        await writer.Close.call();
      } finally {
        await root.stop();
      }
      const r = await execa('node', [CLI, ...words(lines[0].slice(2)).slice(1)], { cwd: dir, reject: false });
      fs.rmSync(dir, { recursive: true, force: true });
      const digitsAside = (t: string) => t.replace(/\d/g, '#').trim();
      return digitsAside(r.stdout) === digitsAside(lines.slice(1).join('\n')) ? [] : [`the CLI printed: ${r.stdout} ${r.stderr}`];
    },
  },
  {
    what: "docs/web.md's recorded bench/web.js output: what bench/web.js measures and prints",
    match: /^page open → first rows/,
    check: (text) => {
      const src = read(ROOT_DIR, 'bench', 'web.js');
      return ['first rows', 'expand a device of', 'update latency', 'of which server set'].flatMap((p) =>
        text.includes(p) && src.includes(p) ? [] : [`'${p}'`],
      );
    },
  },
];

// --- the inventory ----------------------------------------------------------------------

type Kind = 'ts' | 'python' | 'json' | 'shell' | 'text';
const kindOf = (b: Block): Kind =>
  b.lang === 'ts' ? 'ts' : b.lang === 'python' ? 'python' : b.lang === 'json' ? 'json' : b.lang === 'sh' || b.lang === 'indented' ? 'shell' : 'text';

beforeAll(async () => {
  await ensureBuilt();
});

test('every code block of README and docs/ is a file of examples/, a shell block, or a text block with a check', () => {
  const unmatched: string[] = [];
  for (const b of BLOCKS) {
    const k = kindOf(b);
    if (k === 'ts' && !TS_EXAMPLES.some((f) => read(EXAMPLES, f) === b.text)) unmatched.push(`${where(b)}: a ts block that is no file of examples/`);
    if (k === 'python' && !PY_EXAMPLES.some((f) => read(EXAMPLES, 'python', f) === b.text) && !TEXT_CHECKS.some((c) => c.match.test(b.text)))
      unmatched.push(`${where(b)}: a python block that is no file of examples/python/`);
    if (k === 'json' && read(EXAMPLES, 'readme-tsconfig.json') !== b.text)
      unmatched.push(`${where(b)}: a json block that is not examples/readme-tsconfig.json`);
    if (k === 'text' && !TEXT_CHECKS.some((c) => c.match.test(b.text))) unmatched.push(`${where(b)}: a text block no check knows: ${b.text.slice(0, 60)}`);
  }
  expect(unmatched).toEqual([]);
  // And the other way: every example is shown in the docs.
  const shown = new Set(BLOCKS.map((b) => b.text));
  const orphans = [
    ...TS_EXAMPLES.filter((f) => !shown.has(read(EXAMPLES, f))),
    ...PY_EXAMPLES.filter((f) => !shown.has(read(EXAMPLES, 'python', f))),
    ...(shown.has(read(EXAMPLES, 'readme-tsconfig.json')) ? [] : ['readme-tsconfig.json']),
  ];
  expect(orphans).toEqual([]);

  console.log(
    `doc blocks: ${BLOCKS.length} (${(['ts', 'python', 'json', 'shell', 'text'] as Kind[]).map((k) => `${BLOCKS.filter((b) => kindOf(b) === k).length} ${k}`).join(', ')})`,
  );
});

const SHELL = BLOCKS.filter((b) => kindOf(b) === 'shell');
test.each(SHELL.map((b) => [where(b), b] as const))('shell block %s parses and its commands exist', async (_w, b) => {
  expect(await checkShell(b.text)).toEqual([]);
});

const TEXTS = BLOCKS.filter((b) => kindOf(b) === 'text' || (kindOf(b) === 'python' && TEXT_CHECKS.some((c) => c.match.test(b.text))));
test.each(TEXTS.map((b) => [where(b), b] as const))('text block %s is what the code does', async (_w, b) => {
  const c = TEXT_CHECKS.find((x) => x.match.test(b.text))!;
  expect({ what: c.what, problems: await c.check(b.text) }).toEqual({ what: c.what, problems: [] });
});

// --- the examples run -------------------------------------------------------------------

/** Runs examples/python/FILE with /usr/bin/python3, its 9099 (and 9000) replaced; through tier.py when `tier`. */
async function runPython(file: string, ports: { port: number; mem?: number }, tier: boolean): Promise<execa.ExecaReturnValue> {
  let code = read(EXAMPLES, 'python', file).replace(/9099/g, String(ports.port));
  if (ports.mem !== undefined) code = code.replace(/9000/g, String(ports.mem));
  const prelude = tier ? `import sys; sys.path.insert(0, ${JSON.stringify(path.join(ROOT_DIR, 'python-fixtures'))}); import tier\n` : '';
  return execa(PYTHON, ['-c', prelude + code], { cwd: ROOT_DIR, reject: false, timeout: 60000 });
}

/** The tier python-fixtures/tier.py picks here: 'real' or 'compat'. */
async function pythonTier(): Promise<string> {
  const r = await execa(PYTHON, [path.join(ROOT_DIR, 'python-fixtures', 'tier.py')], { reject: false });
  return r.exitCode === 0 ? (JSON.parse(r.stdout.trim().split('\n').pop()!) as { tier: string }).tier : 'none';
}

describe("README's clients against the example tree (make run's)", () => {
  let h: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    h = await serve({ tree: 'example', addr: '127.0.0.1', port: await freeBasePort(), logger: null });
  });
  afterAll(async () => h.close());

  test('examples/readme-client.ts (README "From Node")', async () => {
    const { main } = await import('../examples/readme-client');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await main(h.port);
      expect(log.mock.calls.map((c) => c.map(String).join(' '))).toEqual(expect.arrayContaining(['v6.15.0', 'Example.AxiVersion.ScratchPad 0x000100']));
    } finally {
      log.mockRestore();
    }
  });

  test('examples/python/readme_clients.py (README, from Python; real pyrogue or the compat stand-in)', async () => {
    const r = await runPython('readme_clients.py', { port: h.port }, true);
    expect(r.stderr.split('\n').filter((l) => /Error|Traceback/.test(l))).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect((h.root.getNode('Example.AxiVersion.ScratchPad') as unknown as { value(): unknown }).value()).toBe(0x100n);
  });
});

describe("README's tree (examples/lab-tree.ts): floats from each client, and the guide's pyzmq check", () => {
  let h: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    h = await serve({ tree: createLabRoot, addr: '127.0.0.1', port: await freeBasePort(), logger: null });
  });
  afterAll(async () => h.close());
  const voltage = () => (h.root.getNode('Lab.Supply.Voltage') as unknown as LocalVariable).value();

  test('examples/floats.ts: the Node clients send floats', async () => {
    const { main } = await import('../examples/floats');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await main(h.port);
      expect(log.mock.calls).toEqual([['12.000']]);
    } finally {
      log.mockRestore();
    }
    expect(voltage()).toBe(12.0);
  });

  test("examples/python/floats.py: floats pass, the int is refused with pyrogue's text", async () => {
    const r = await runPython('floats.py', { port: h.port }, true);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("Type mismatch for Lab.Supply.Voltage: expected <class 'float'>, got <class 'int'>");
    expect(voltage()).toBe(12.0);
  });

  test('the CLI sets a float from its text (README: pyrogue-ts set … 12.0); 12 is refused', async () => {
    const set = (v: string) => execa('node', [CLI, '--server', `127.0.0.1:${h.port}`, '-q', 'set', 'root.Supply.Voltage', v], { cwd: ROOT_DIR, reject: false });
    expect((await set('12.0')).exitCode).toBe(0);
    expect(voltage()).toBe(12.0);
    const bad = await set('13');
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout + bad.stderr).toContain('Type mismatch');
  });

  test('examples/python/check_tree.py (guide §7): pyzmq only', async () => {
    (h.root.getNode('Lab.Supply.Voltage') as unknown as LocalVariable).set(3.5);
    const r = await runPython('check_tree.py', { port: h.port }, false);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('3.500');
  });
});

describe('docs/memory-bridge.md', () => {
  let memory: EmulatedMemory;
  let server: MemoryTcpServer;
  let port = 0;
  beforeAll(async () => {
    memory = new EmulatedMemory();
    port = await freeBasePort();
    server = new MemoryTcpServer({ memory, addr: '127.0.0.1', port, logger: null });
    await server.start();
  });
  afterAll(async () => server.stop());

  test('examples/memory-bridge.ts: a register written and read back over the bridge', async () => {
    const { main } = await import('../examples/memory-bridge');
    expect(await main('127.0.0.1', port)).toBe(0x1234n);
    expect([...memory.peek(4, 4)]).toEqual([0x34, 0x12, 0, 0]);
  });

  test('examples/python/memserve_pyrogue.py: a real pyrogue tree on our memory (skipped without real pyrogue)', async () => {
    if ((await pythonTier()) !== 'real') {
      console.log('memserve_pyrogue.py: skipped (no real pyrogue: python-fixtures/tier.py)');
      return;
    }
    await memory.write(4, Uint8Array.from([0, 0, 0, 0]));
    const r = await runPython('memserve_pyrogue.py', { port: 0, mem: port }, true);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('0x1234');
    expect([...memory.peek(4, 4)]).toEqual([0x34, 0x12, 0, 0]);
  });
});
