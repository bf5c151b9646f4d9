import { Device, LocalCommand, LocalVariable, Root, serveUntilSignal } from 'pyrogue-ts';

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
        name: 'Ramp', value: 0.0, retValue: 0.0, arg: true, description: 'Set the voltage, return the old one',
        function: ({ arg }) => {
          const old = voltage.value();
          voltage.set(Number(arg)); // a Python client may send 3 (int) or 3.0 (float)
          return old;
        },
      }),
    );
  }
}

/** The tree. `npx pyrogue-ts serve --tree ./lab-tree.js` serves what this returns. */
export default function createLabRoot(): Root {
  const root = new Root({ name: 'Lab', description: 'My lab', pollEn: true });
  root.add(new PowerSupply());
  return root;
}

// Run as a program (`node lab-tree.js`): serve until Ctrl-C. Ports: base (publish),
// base+1 (pickle requests), base+2 (strings); base 9099 unless PORT says otherwise.
if (require.main === module) {
  serveUntilSignal({ tree: createLabRoot, addr: '127.0.0.1', port: Number(process.env.PORT ?? 9099) })
    .catch((e) => { console.error(e); process.exitCode = 1; });
}
