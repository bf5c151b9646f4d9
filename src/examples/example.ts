/**
 * The example tree of `make run` / `pyrogue-ts serve --tree example`: what a
 * pyrogue user writes in TypeScript, and what a new user explores first.
 *
 *   Example                      Root (RogueVersion, Time, PollEn... built in)
 *     AxiVersion                 the pyrogue example device on emulated memory (ScratchPad...)
 *     Example                    one device with a variable of each kind:
 *       Gain, Offset, Scaled       int with limits, float with alarms, a LinkVariable
 *       Mode                       an enum
 *       Label, Enabled, Samples, Table, Calibration
 *       Temperature                a float with warning and alarm limits (watch the severity)
 *       Sine                       polled every 0.5 s: a sine wave that publishes updates
 *       Waveform                   polled every 0.5 s: a numpy array of 100 points, a moving wave (plot it)
 *       Counter                    polled every 1 s: counts the polls
 *       Add, Echo, Reset, Wait     commands (argument, return value, async)
 *
 * From Python (`SimpleClient(addr='127.0.0.1', port=9099)`):
 *   getDisp('root.RogueVersion'); setDisp('root.AxiVersion.ScratchPad', '0x100');
 *   valueDisp('root.AxiVersion.ScratchPad')
 */
import { PyValueError } from '../py/errors';
import { NdArray, NpDtype, PyValue } from '../py/values';
import { Device, DeviceOptions, LinkVariable, LocalCommand, LocalVariable, Root } from '../tree';
import { EmulatedMemory } from '../tree/memory';
import { loadAxiVersion } from './reference';

const WAVE_POINTS = 100;

export class ExampleDevice extends Device {
  static override pyModule = 'example';

  readonly Gain: LocalVariable;
  readonly Offset: LocalVariable;

  constructor() {
    super({ name: 'Example', description: 'An example device: one variable of each kind', expand: true });
    this.Gain = new LocalVariable({ name: 'Gain', value: 2n, mode: 'RW', description: 'integer gain', minimum: 0n, maximum: 16n });
    this.Offset = new LocalVariable({ name: 'Offset', value: 0.25, mode: 'RW', units: 'V', disp: '{:1.3f}', lowAlarm: -1.0, highAlarm: 1.0 });
    const gain = this.Gain;
    const offset = this.Offset;
    const t0 = Date.now();
    let polls = 0n;
    this.add(
      gain,
      offset,
      new LocalVariable({
        name: 'Mode',
        value: 0n,
        description: 'an enum',
        enum: [
          [0n, 'Idle'],
          [1n, 'Run'],
          [2n, 'Calibrate'],
        ],
      }),
      new LocalVariable({ name: 'Label', value: 'example', description: 'a string' }),
      new LocalVariable({ name: 'Enabled', value: true, mode: 'RW', description: 'a bool' }),
      new LocalVariable({ name: 'Samples', value: NdArray.from(NpDtype.float64, [0, 0.5, 1]), description: 'a float64 numpy array' }),
      new LocalVariable({ name: 'Table', value: [1n, 2n, 3n], mode: 'RW', description: 'a list' }),
      new LocalVariable({ name: 'Calibration', value: 1.0e-3, mode: 'RW', disp: '{:.3e}', units: 'A/count', description: 'a float in scientific notation' }),
      new LocalVariable({
        name: 'Temperature',
        value: 25.0,
        mode: 'RW',
        units: 'degC',
        disp: '{:1.1f}',
        description: 'a float with limits and alarms: set it above 60 (warning) or 80 (alarm)',
        minimum: -40.0,
        maximum: 125.0,
        lowAlarm: -20.0,
        lowWarning: 0.0,
        highWarning: 60.0,
        highAlarm: 80.0,
      }),
      new LocalVariable({
        name: 'Sine',
        mode: 'RO',
        value: 0.0,
        disp: '{:1.4f}',
        units: 'V',
        description: 'a sine wave of period 10 s, polled every 0.5 s',
        pollInterval: 0.5,
        localGet: () => Math.sin((2 * Math.PI * (Date.now() - t0)) / 10000),
      }),
      new LocalVariable({
        name: 'Waveform',
        mode: 'RO',
        value: NdArray.from(NpDtype.float64, new Array<number>(WAVE_POINTS).fill(0)),
        description: `a float64 numpy array of ${WAVE_POINTS} points: a damped wave moving with time, polled every 0.5 s`,
        pollInterval: 0.5,
        localGet: () => {
          const phase = (2 * Math.PI * (Date.now() - t0)) / 10000;
          const w = new Array<number>(WAVE_POINTS);
          for (let i = 0; i < WAVE_POINTS; i++) w[i] = Math.exp(-i / 60) * Math.sin((2 * Math.PI * i) / 25 - phase);
          return NdArray.from(NpDtype.float64, w);
        },
      }),
      new LocalVariable({
        name: 'Counter',
        mode: 'RO',
        value: 0n,
        pollInterval: 1.0,
        description: 'the number of times it was read (polled every 1 s)',
        localGet: () => polls++,
      }),
      new LinkVariable({
        name: 'Scaled',
        mode: 'RO',
        disp: '{:1.3f}',
        description: 'Gain * Offset (a LinkVariable)',
        dependencies: [gain, offset],
        linkedGet: ({ read }) => Number(gain.get({ read })) * (offset.get({ read }) as number),
      }),
      new LocalCommand({
        name: 'Add',
        description: 'Adds the argument to Gain and returns the new gain',
        value: 0n,
        retValue: 0n,
        arg: true,
        function: ({ arg }) => {
          if (typeof arg !== 'bigint') throw new PyValueError('Add needs an int');
          gain.set((gain.value() as bigint) + arg);
          return gain.value();
        },
      }),
      new LocalCommand({
        name: 'Echo',
        description: 'Returns its argument',
        value: '',
        retValue: '',
        arg: true,
        function: ({ arg }) => arg,
      }),
      new LocalCommand({
        name: 'Reset',
        description: 'Sets Gain to 2 and Offset to 0.25',
        function: () => {
          gain.set(2n);
          offset.set(0.25);
        },
      }),
      new LocalCommand({
        name: 'Wait',
        description: 'An async command: waits arg milliseconds',
        value: 100n,
        arg: true,
        function: async ({ arg }) => {
          await new Promise((r) => setTimeout(r, Number(arg)));
        },
      }),
    );
  }
}

/**
 * Stand-in for pyrogue's example AxiVersion when the tree has no memory-mapped
 * one (src/examples/axiversion.ts): local variables with the same names, formats
 * and class (`pyrogue.examples._AxiVersion.AxiVersion`).
 */
export class AxiVersionStandIn extends Device {
  static override pyModule = 'pyrogue.examples._AxiVersion';
  static override pyName = 'AxiVersion';

  constructor(opts: DeviceOptions = {}) {
    super({ name: 'AxiVersion', description: 'AXI-Lite Version Module', ...opts });
    const u32 = (name: string, mode: 'RW' | 'RO', disp: string, description: string, value: PyValue = 0n) =>
      new LocalVariable({ name, mode, disp, description, value, typeStr: 'UInt32' });
    this.add(
      u32('FpgaVersion', 'RO', '{:#08x}', 'FPGA Firmware Version Number'),
      u32('ScratchPad', 'RW', '{:#08x}', 'Register to test reads and writes'),
      u32('UpTimeCnt', 'RO', '{:d}', 'Number of seconds since last reset'),
      u32('DeviceId', 'RO', '{:#x}', 'Device Identification'),
    );
  }
}

export interface ExampleRootOptions {
  /** Root name (default 'Example'). */
  name?: string;
  /** Poll enable at start (default true: Sine and Counter update). */
  pollEn?: boolean;
}

export function createExampleRoot(opts: ExampleRootOptions = {}): Root {
  const root = new Root({ name: opts.name ?? 'Example', description: 'pyrogue-ts example', pollEn: opts.pollEn ?? true });
  const Axi = loadAxiVersion();
  root.add(Axi ? new Axi({ memBase: new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 }), offset: 0 }) : new AxiVersionStandIn());
  root.add(new ExampleDevice());
  return root;
}
