/**
 * pyrogue's YAML configuration: getYaml (dataToYaml layout, reproduced with
 * PyYAML's emitter rules: width 80, 2-space indent, plain/single/double quoting
 * by PyYAML's scalar analysis, tags from the variable's value type: yamlText.ts), setYaml /
 * loadYaml (values applied through setDisp in tree order), and the Root commands built on
 * them (remoteDump, saveAddressMap, saveVariableList). Root imports what it uses from here.
 */
import * as fs from 'fs';
import * as pathMod from 'path';
import * as zlib from 'zlib';
import { PyAttributeError, PyError, PyIndexError, PyTypeError } from '../py/errors';
import { badZip, ZIP_LIMITS, ZipArchive } from '../py/zipfile';
import { pyRepr, pyStr, strRepr } from '../py/repr';
import { pyYamlLoad } from '../py/yaml';
import { PyDict, PyValue, typeName } from '../py/values';
import { MaybePromise, seq, then } from './txn';
import { BaseCommand } from './command';
import { Device } from './device';
import { GetYamlOptions, Node, NodeArray } from './node';
import type { Root, SetYamlOptions } from './root';
import { normGroups, type YamlTree } from './yamlText';
import { BaseVariable, VariableValue, selectIndices } from './variable';
import { isPromiseLike } from './surface';

// ---------------------------------------------------------------------------
// getYaml: Node.getYaml and Node._getDict (node.ts, variable/base.ts, command.ts, device.ts) do the work

export { dataToYaml } from './yamlText';
export type { YamlTree } from './yamlText';

/** pyrogue Node._getDict: the values of the variables under `node` passing modes/groups. */
export function getDict(
  node: Node,
  modes: readonly string[],
  incGroups: string[] | null,
  excGroups: string[] | null,
  recurse = true,
): MaybePromise<YamlTree | VariableValue | null> {
  return node._getDict(modes, incGroups, excGroups, recurse);
}

/** pyrogue Node.getYaml. */
export function nodeGetYaml(node: Node, opts: GetYamlOptions): MaybePromise<string> {
  return node.getYaml(opts);
}

// ---------------------------------------------------------------------------
// setYaml / loadYaml: pyrogue's yamlToData, then its node matching and _setDict walk

/** pyrogue's yamlToData: PyYAML's loader (ordered mappings) with `!include` resolved against `fName`'s folder. */
export function yamlToData(input: PyValue, fName: string | null = null): PyValue {
  // PyYAML takes str, or bytes (decoded from UTF-8); anything else is read as a stream
  const text = typeof input === 'string' ? input : input instanceof Uint8Array ? Buffer.from(input).toString('utf8') : null;
  if (text === null) throw new PyAttributeError(`'${typeName(input)}' object has no attribute 'read'`);
  return pyYamlLoad(text, {
    include: (rel) => {
      // pyrogue: absolute as is; relative to the including file; from a string there is no base
      // (pyrogue then hands PyYAML's node to os.path.abspath, which raises this TypeError).
      if (rel.startsWith('/')) return yamlFile(rel);
      if (fName !== null) return yamlFile(pathMod.resolve(pathMod.dirname(fName), rel));
      throw new PyTypeError('expected str, bytes or os.PathLike object, not ScalarNode');
    },
  });
}

function yamlFile(fName: string): PyValue {
  const abs = pathMod.resolve(fName);
  let text: string;
  try {
    text = readYamlFile(abs);
  } catch (e) {
    throw pyOsError(e, abs);
  }
  return yamlToData(text, abs);
}

/** Node's ENOENT/EISDIR as Python's FileNotFoundError/IsADirectoryError (naming the file that is missing); others as they are. */
function pyOsError(e: unknown, fallback: string): unknown {
  const err = e as NodeJS.ErrnoException;
  const p = typeof err.path === 'string' ? err.path : fallback;
  if (err.code === 'ENOENT') return new PyError('builtins', 'FileNotFoundError', `[Errno 2] No such file or directory: ${strRepr(p)}`);
  if (err.code === 'EISDIR') return new PyError('builtins', 'IsADirectoryError', `[Errno 21] Is a directory: ${strRepr(p)}`);
  return e;
}

/** `d.items()` of a YAML value that pyrogue treats as a mapping (AttributeError otherwise, as Python's). */
function itemsOf(d: PyValue): [PyValue, PyValue][] {
  if (d instanceof PyDict) return [...d];
  throw new PyAttributeError(`'${typeName(d)}' object has no attribute 'items'`);
}

/** pyrogue Node.nodeMatch: an exact child name, `Var[k]` (the variable with its keys) or an array of children by keys. */
export function nodeMatch(node: Node, name: PyValue): [Node[], string[] | null] {
  // pyrogue splits the name with re.split, which takes only text
  if (typeof name !== 'string') throw new PyTypeError(`expected string or bytes-like object, got '${typeName(name)}'`);
  const exact = node.child(name);
  if (exact) return [[exact], null];
  const fields = name.split(/\]\[|\[|\]/);
  const aname = fields[0];
  const keys = fields.slice(1, -1);
  const plain = node.child(aname);
  if (plain) return [[plain], keys];
  const arr = node.node(aname);
  if (arr === null || arr instanceof Node || keys.length === 0) return [[], null];
  return [iterateArray(arr, keys), null];
}

/** pyrogue's _iterateDict: '*' or ':' takes all, digits one, else a Python slice over 0..max key. */
function iterateArray(d: NodeArray, keys: string[]): Node[] {
  const k = keys[0];
  let sub: (Node | NodeArray | undefined)[];
  if (k === '*' || k === ':') sub = [...d.values()];
  else if (/^[0-9]+$/.test(k)) sub = d.has(Number(k)) ? [d.get(Number(k))] : [];
  else {
    const size = Math.max(...d.keys()) + 1;
    try {
      const sel = selectIndices(size, k);
      sub = (Array.isArray(sel) ? sel : [sel]).map((i) => d.get(i));
    } catch {
      sub = [];
    }
  }
  const out: Node[] = [];
  for (const e of sub) {
    if (keys.length === 1 && e instanceof Node) out.push(e);
    else if (keys.length > 1 && e instanceof Map) out.push(...iterateArray(e, keys.slice(1)));
  }
  return out;
}

interface DictOptions {
  writeEach: boolean;
  modes: string[];
  incGroups: string[] | null;
  excGroups: string[] | null;
}

/** pyrogue `_setDict` on any node: a variable applies the value, a command ignores it, a device walks its entries. */
export function setDict(node: Node, d: PyValue, o: DictOptions, keys: string[] | null = null): MaybePromise<void> {
  if (node instanceof BaseCommand) return;
  if (node instanceof BaseVariable) return node._setDict(d, o.writeEach, o.modes, keys);
  if (keys !== null) {
    node._log.error(`Entry ${node.name} with key ${pyRepr(keys)} not found`);
    return;
  }
  const fs: (() => MaybePromise<void>)[] = [];
  for (const [key, value] of itemsOf(d)) {
    fs.push(() => {
      const [nodes, k] = nodeMatch(node, key);
      if (nodes.length === 0) {
        node._log.error(`Entry ${pyStr(key)} not found`);
        return;
      }
      return seq(nodes.filter((n) => n.filterByGroup(o.incGroups, o.excGroups)).map((n) => () => setDict(n, value, o, k)));
    });
  }
  return seq(fs);
}

/** pyrogue Root._setDictRoot: top-level keys are node paths ('Root', 'Root.Dev', 'root.Dev'). */
function setDictRoot(root: Root, d: PyValue, o: DictOptions): MaybePromise<void> {
  const fs: (() => MaybePromise<void>)[] = [];
  for (const [key, value] of itemsOf(d)) {
    fs.push(() => {
      if (typeof key !== 'string') throw new PyTypeError(`argument of type '${typeName(key)}' is not iterable`);
      const node = root.getNode(key);
      if (node === null) {
        root._log.error(`Entry ${key} not found`);
        return;
      }
      return setDict(node, value, o);
    });
  }
  return seq(fs);
}

function dictOptions(o: SetYamlOptions): DictOptions {
  return {
    writeEach: o.writeEach ?? false,
    modes: o.modes ?? ['RW', 'WO'],
    incGroups: normGroups(o.incGroups ?? null),
    excGroups: o.excGroups === undefined ? ['NoConfig'] : normGroups(o.excGroups),
  };
}

/** Applies parsed config documents in one update group, then commits (unless writeEach) and runs InitAfterConfig. */
function applyConfig(root: Root, docs: (() => PyValue)[], o: DictOptions): MaybePromise<void> {
  return root.updateGroup(() => then(seq(docs.map((doc) => () => setDictRoot(root, doc(), o))), () => (o.writeEach ? undefined : root.writeAll())));
}

function afterConfig(root: Root): MaybePromise<unknown> {
  return root.InitAfterConfig.value() === true ? root.initialize() : undefined;
}

export function rootSetYaml(root: Root, yml: string, o: SetYamlOptions): MaybePromise<void> {
  const data = yamlToData(yml);
  return then(applyConfig(root, [() => data], dictOptions(o)), () => then(afterConfig(root), () => undefined));
}

/**
 * pyrogue Device.loadYaml's file list: files ending in .yml/.yaml (also inside a zip:
 * `cfg.yml.zip/cfg.yml`; and, beyond pyrogue, .yml.gz/.yaml.gz), a folder of a zip
 * (`archive.zip/folder`: its *.yml and *.yaml, not those of sub-folders, sorted), a
 * directory (its *.yml then *.yaml, sorted). Anything else is pyrogue's error.
 */
function listYamlFiles(name: PyValue): string[] {
  if (!Array.isArray(name) && typeof name !== 'string') throw new PyTypeError(`argument of type '${typeName(name)}' is not iterable`);
  const raw = Array.isArray(name) ? name : name.includes(',') ? name.split(',') : [name];
  const out: string[] = [];
  for (const rl of raw) {
    if (typeof rl !== 'string') throw new PyTypeError(`'${typeName(rl)}' object is not subscriptable`);
    if (/\.ya?ml(\.gz)?$/.test(rl)) out.push(rl);
    else if (rl.includes('.zip')) out.push(...zipFolderFiles(rl));
    else if (fs.existsSync(rl) && fs.statSync(rl).isDirectory()) {
      const names = fs.readdirSync(rl);
      const pick = (ext: string) => names.filter((f) => f.endsWith(ext)).map((f) => pathMod.join(rl, f));
      out.push(...[...pick('.yml'), ...pick('.yaml')].sort());
    } else throw new PyError('builtins', 'Exception', `loadYaml: Invalid load file: ${rl}, must be a directory or end in .yml or .yaml`);
  }
  return out;
}

/** pyrogue splits a path at its first '.zip': the archive, and the name inside it (without the leading '/'). */
function splitZipPath(f: string): [string, string] {
  const i = f.indexOf('.zip');
  return [f.slice(0, i + 4), f.slice(i + 5)];
}

function readArchive(base: string): ZipArchive {
  // bounded before it is read: a file larger than any archive accepted is not read at all
  let st: fs.Stats;
  try {
    st = fs.statSync(base);
  } catch (e) {
    throw pyOsError(e, base);
  }
  if (st.size > ZIP_LIMITS.maxArchiveBytes) throw badZip(`archive of ${st.size} bytes: more than the ${ZIP_LIMITS.maxArchiveBytes} this reader accepts`);
  return ZipArchive.parse(fs.readFileSync(base));
}

/** pyrogue's zip folder entry `archive.zip/folder`: the folder's *.yml/*.yaml members as `archive.zip/member`, sorted. */
function zipFolderFiles(rl: string): string[] {
  const [base, sub] = splitZipPath(rl);
  const dir = sub.replace(/\/+$/, '') + '/';
  const names = readArchive(base).names();
  if (!names.some((x) => x.startsWith(dir))) {
    throw new PyError('builtins', 'Exception', `loadYaml: Invalid load file: ${rl}, must be a directory or end in .yml or .yaml`);
  }
  const out: string[] = [];
  for (const zfn of names) {
    if (!zfn.startsWith(sub)) continue;
    const parts = zfn.split(dir);
    if (parts.length < 2) throw new PyIndexError('list index out of range'); // pyrogue's split(...)[1] on 'sub…' without 'sub/'
    const spt = parts[1];
    if (!spt.includes('/') && (spt.endsWith('.yml') || spt.endsWith('.yaml'))) out.push(`${base}/${zfn}`);
  }
  return out.sort();
}

/** A YAML file's text: a member of a zip (pyrogue's `archive.zip/member`), a gzip file (.gz), or a plain file. */
function readYamlFile(f: string): string {
  if (f.includes('.zip')) {
    const [base, sub] = splitZipPath(f);
    return readArchive(base).read(sub).toString('utf8');
  }
  const raw = fs.readFileSync(f);
  if (!f.endsWith('.gz')) return raw.toString('utf8');
  // bounded like a zip member: a gzip bomb is an error, not all the memory there is
  try {
    return zlib.gunzipSync(raw, { maxOutputLength: ZIP_LIMITS.maxMemberBytes }).toString('utf8');
  } catch (e) {
    throw new PyError('gzip', 'BadGzipFile', `${f}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function rootLoadYaml(root: Root, name: PyValue, o: SetYamlOptions): MaybePromise<void> {
  const files = listYamlFiles(name);
  return then(
    applyConfig(
      root,
      files.map((f) => () => yamlFile(f)),
      dictOptions(o),
    ),
    () => then(afterConfig(root), () => undefined),
  );
}

export function remoteDump(root: Root, name: string, modes: string[], readFirst: boolean): MaybePromise<void> {
  return then(readFirst ? root.readAll() : undefined, () => {
    const lines: string[] = [];
    for (const n of root.descendants()) {
      if (
        n instanceof BaseVariable &&
        !(n instanceof BaseCommand) &&
        modes.includes(n.mode) &&
        n.pyClass.bases.includes("<class 'pyrogue._Variable.RemoteVariable'>")
      ) {
        const v = n.value();
        if (!isPromiseLike(v)) lines.push(`${n.path} = ${n.genDisp(v)}`);
      }
    }
    fs.writeFileSync(name, lines.join('\n') + (lines.length ? '\n' : ''));
  });
}

export function saveVariableList(root: Root, fname: string, polledOnly: boolean, incGroups: string[] | null): void {
  const lines = ['Path\tTypeStr\tMode\tPollInterval\tDescription'];
  for (const n of root.descendants()) {
    if (n instanceof BaseVariable && (!polledOnly || Number(n.pollInterval) > 0) && n.filterByGroup(incGroups, null)) {
      lines.push(`${n.path}\t${n.typeStr}\t${n.mode}\t${String(n.pollInterval)}\t${n.description}`);
    }
  }
  fs.writeFileSync(fname, lines.join('\n') + '\n');
}

export function saveAddressMap(root: Root, fname: string): void {
  const lines = ['Path\tType\tAddress'];
  for (const n of root.descendants()) {
    if (n instanceof Device) lines.push(`${n.path}\tDevice\t0x${n.address.toString(16)}`);
  }
  fs.writeFileSync(fname, lines.join('\n') + '\n');
}
