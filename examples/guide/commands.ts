import assert from 'node:assert/strict';
import { Device, LocalCommand, LocalVariable, PyValueError, Root } from 'pyrogue-ts';

export async function main(): Promise<void> {
  const dev = new Device({ name: 'Dev' });
  const count = new LocalVariable({ name: 'Count', value: 0n });
  dev.add(
    count,
    // No argument: the function ignores `arg`; it may be async.
    new LocalCommand({ name: 'Reset', function: async () => { await count.set(0n); } }),
    // An argument, declared: `value` is its example (a Python int here) and its default;
    // retValue declares the return type.
    new LocalCommand({
      name: 'Add', value: 0n, retValue: 0n, arg: true,
      function: ({ arg }) => {
        const n = arg as bigint; // the Python type of `value`, checked by the command
        if (n < 0n) throw new PyValueError(`Add wants a positive int, got ${n}`);
        count.set((count.value() as bigint) + n);
        return count.value();
      },
    }),
  );
  const root = new Root({ name: 'Lab', pollEn: false });
  root.add(dev);
  await root.start();
  try {
    const add = root.getNode('Lab.Dev.Add') as LocalCommand;
    assert.equal(await add.call(5n), 5n);
    assert.equal(await add.call(2n), 7n);
    // A str argument is parsed as a Python literal first (as pyrogue does): '3' is 3.
    assert.equal(await add.call('3'), 10n);
    // No argument: the last one again (a command that takes one keeps it as its value).
    assert.equal(await add.call(), 13n);
    assert.equal(add.value(), 3n);
    // A Python client sees this exception as builtins.ValueError.
    await assert.rejects(async () => add.call(-1n), /Add wants a positive int/);
    await (root.getNode('Lab.Dev.Reset') as LocalCommand).call();
    assert.equal(count.value(), 0n);
  } finally {
    await root.stop();
  }
}
