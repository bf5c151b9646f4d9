// Follows PyYAML 6.0's (MIT licensed) resolver algorithm and error texts.
/** The implicit tag of a plain scalar (yaml.Loader's resolvers). */

export const Y = 'tag:yaml.org,2002:';
// Python's `$` also matches before a final '\n'.
const IMPLICIT: [string, RegExp, string | null][] = [];
function addResolver(tag: string, re: string, first: string[] | null) {
  const rx = new RegExp('^(?:' + re + ')\\n?$');
  for (const ch of first ?? [null as unknown as string]) IMPLICIT.push([tag, rx, ch]);
}
addResolver(Y + 'bool', 'yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF', [...'yYnNtTfFoO']);
addResolver(
  Y + 'float',
  '[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)',
  [...'-+0123456789.'],
);
addResolver(Y + 'int', '[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+', [...'-+0123456789']);
addResolver(Y + 'merge', '<<', ['<']);
addResolver(Y + 'null', '~|null|Null|NULL|', ['~', 'n', 'N', '']);
addResolver(
  Y + 'timestamp',
  '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?',
  [...'0123456789'],
);
addResolver(Y + 'value', '=', ['=']);
addResolver(Y + 'yaml', '!|&|\\*', [...'!&*']);
const RESOLVERS = new Map<string, [string, RegExp][]>();
for (const [tag, rx, ch] of IMPLICIT) {
  const k = ch ?? '\u0000none';
  if (!RESOLVERS.has(k)) RESOLVERS.set(k, []);
  RESOLVERS.get(k)!.push([tag, rx]);
}

export function resolveScalar(value: string, implicit: [boolean, boolean]): string {
  if (implicit[0]) {
    const first = value === '' ? '' : String.fromCodePoint(value.codePointAt(0)!);
    const list = [...(RESOLVERS.get(first) ?? []), ...(RESOLVERS.get('\u0000none') ?? [])];
    for (const [tag, rx] of list) if (rx.test(value)) return tag;
  }
  return Y + 'str';
}
