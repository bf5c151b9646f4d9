// Follows PyYAML 6.0's (MIT licensed) loader algorithm (reader, scanner, parser, composer, constructor, resolver: one module each here) and error texts.
/**
 * `yaml.load(text, Loader=PyrogueLoader)` as pyrogue's `yamlToData` does it:
 * PyYAML's full `yaml.Loader` with mappings built as OrderedDicts
 * (`flatten_mapping` + `construct_pairs`) and a `!include` scalar constructor.
 * The Python tags that would import or run code (python/name, python/module,
 * python/object*) are refused the way SafeLoader refuses an unknown tag.
 *
 * Values: see values.ts. Timestamps are `PyObject`s shaped the way a pickle
 * builds them: `datetime.date(b'<4 bytes>')`,
 * `datetime.datetime(b'<10 bytes>'[, datetime.timezone(datetime.timedelta(d, s, us))])`.
 */
import type { PyValue } from '../values';
import { Composer } from './composer';
import { Constructor, type PyYamlLoadOptions } from './constructor';
import { pyErr } from './error';
import { Parser } from './parser';
import { Scanner } from './scanner';

export type { PyYamlLoadOptions };

/** yaml.load(text, Loader=<pyrogue's loader>): one document (None for an empty stream). Throws PyError on any YAML error. */
export function pyYamlLoad(text: string, opts: PyYamlLoadOptions = {}): PyValue {
  try {
    const scanner = new Scanner(text);
    const composer = new Composer(new Parser(scanner));
    const node = composer.getSingleNode();
    if (node === null) return null;
    return new Constructor(opts).constructDocument(node);
  } catch (e) {
    // Nesting deep enough to exhaust the JS stack (Python gives up far earlier, at its recursion limit).
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw pyErr('RecursionError', 'maximum recursion depth exceeded');
    throw e;
  }
}
