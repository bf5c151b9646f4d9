/** The `syslog` verb's printing (pyrogue's SystemLogMonitor): new entries only, tags, indented lines, --details. */
import { SystemLogPrinter, formatLogEntry, timestamp } from '../src/cli/client';

const entry = (over: Record<string, unknown> = {}) => ({
  created: 1700000000.25,
  name: 'pyrogue.Variable.LocalVariable.Root.Dev.X',
  message: 'first line\nsecond line',
  exception: null,
  traceBack: null,
  levelName: 'ERROR',
  levelNumber: 40,
  ...over,
});

test('one entry: the local time stamp, the message with its later lines indented 25 spaces', () => {
  const ts = timestamp(new Date(1700000000250));
  expect(formatLogEntry(entry(), false)).toEqual([`${ts}: first line\n${' '.repeat(25)}second line`]);
  expect(formatLogEntry(entry({ rogueCpp: true, rogueComponent: 'udp' }), false)[0]).toMatch(/^\S+ \S+ \S+ \[C\+\+ udp\]: first line/);
});

test('--details: name, level, the rogue fields, exception and traceback, then a blank line', () => {
  const lines = formatLogEntry(entry({ exception: 'VariableError', traceBack: ['  at a', '  at b'], rogueLogger: 'pyrogue.x', rogueTid: 7 }), true);
  expect(lines.slice(1)).toEqual([
    '                   Name: pyrogue.Variable.LocalVariable.Root.Dev.X',
    '                  Level: ERROR (40)',
    '           Rogue Logger: pyrogue.x',
    '             Rogue TID: 7',
    '              Exception: VariableError',
    `${' '.repeat(25)}  at a`,
    `${' '.repeat(25)}  at b`,
    '',
  ]);
});

test('each publish of the whole list prints only the entries not printed yet; bad text prints nothing', () => {
  const got: string[] = [];
  const p = new SystemLogPrinter(false, (l) => got.push(l));
  expect(p.process(JSON.stringify([entry({ message: 'a' })]))).toBe(1);
  expect(p.process(JSON.stringify([entry({ message: 'a' }), entry({ message: 'b' }), entry({ message: 'c' })]))).toBe(2);
  expect(p.process('not json')).toBe(0);
  expect(p.process('{"a": 1}')).toBe(0);
  expect(got.map((l) => l.split(': ')[1])).toEqual(['a', 'b', 'c']);
});
