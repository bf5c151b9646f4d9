/**
 * A complete pyrogue-ts program: a tree defined in TypeScript, served to
 * pyrogue's Python clients. README shows this file; test/readme-example.test.ts
 * runs it.
 *
 *   npx tsc -p tsconfig.json && node dist/... (or ts-node / tsx examples/my-tree.ts)
 */
import { Device, LocalCommand, LocalVariable, Root, ZmqServer } from '../src';

class PowerSupply extends Device {
  static override pyModule = 'my_lab'; // clients see <class 'my_lab.PowerSupply'>

  constructor() {
    super({ name: 'Supply', description: 'A simulated power supply' });
    const voltage = new LocalVariable({
      name: 'Voltage', value: 0.0, units: 'V', disp: '{:1.3f}',
      minimum: 0.0, maximum: 30.0, highWarning: 24.0, highAlarm: 28.0,
    });
    this.add(
      voltage,
      new LocalVariable({ name: 'Output', value: false }),
      new LocalVariable({ name: 'Mode', value: 0n, enum: [[0n, 'CV'], [1n, 'CC']] }),
      new LocalVariable({ name: 'Serial', value: 0x1234n, mode: 'RO', disp: '{:#06x}' }),
      new LocalCommand({
        name: 'Ramp', value: 0.0, retValue: 0.0, description: 'Set the voltage, return the old one',
        function: ({ arg }) => {
          const old = voltage.value();
          voltage.set(Number(arg)); // a Python client may send 3 (int) or 3.0 (float)
          return old;
        },
      }),
    );
  }
}

export function createMyRoot(port = 9099): Root {
  const root = new Root({ name: 'Lab', description: 'My lab', pollEn: true });
  root.add(new PowerSupply());
  root.addInterface(new ZmqServer({ root, addr: '127.0.0.1', port }));
  return root;
}

if (require.main === module) {
  const root = createMyRoot();
  void root.start();
  const stop = () => void root.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
