/**
 * pyrogue's own example tree, `pyrogue.examples.ExampleRoot` (v6.15), in TypeScript: what
 * `pyrogue-ts serve --tree pyrogue-example` serves.
 *
 *   ExampleRoot              Root 'ExampleRoot', timeout 2.0, polling on
 *     AxiVersion             on emulated memory (rogue's Emulate(4, 0x1000)), guiGroup TestGroup
 *     LargeDevice            4096 LocalVariables TestValue[i], guiGroup TestGroup
 *     PrbsTx                 PRBS generator → StreamWriter channel 0 and → DataReceiver
 *     StreamWriter           raw mode; the tree's configuration stream on channel 1
 *     DataReceiver
 *     RunControl
 *     Process                with the LocalVariables Test1, Test2
 *     TestPlot, TestXAxis, TestArray   polled every second: a sine, its sample count, the samples
 *     OsMemMaster            RemoteVariables on an OS-command memory slave (uptime, load)
 *
 * Left out: TestPlotFigure (a matplotlib Figure of TestArray, which needs Python) and the
 * EPICS server (`epics4En`). Different on purpose: TestArray keeps the latest 10,000
 * samples (pyrogue's grows by one every second without a bound), and OsMemMaster's
 * FileTest keeps its value in memory (pyrogue's appends it to /tmp/osCmdTest.txt).
 */
import * as os from 'os';
import { NdArray, NpDtype } from '../py/values';
import { connectStream } from '../stream/master';
import { DataReceiver, PrbsTx, RunControl, StreamVariable, StreamWriter } from '../devices';
import { Device, type DeviceOptions } from '../tree/device';
import { EmulatedMemory, type MemoryBackend } from '../tree/memory';
import { Float, UInt } from '../tree/model';
import { Process } from '../tree/process';
import { RemoteVariable } from '../tree/remote';
import { Root, type RootOptions } from '../tree/root';
import { LocalVariable } from '../tree/variable';
import { AxiVersion } from './axiversion';

/** pyrogue.examples.LargeDevice: 4096 RW LocalVariables TestValue[0..4095] (int 0), guiGroups of 100. */
export class LargeDevice extends Device {
  static override pyModule = 'pyrogue.examples._LargeDevice';
  static override pyName = 'LargeDevice';

  constructor(opts: DeviceOptions = {}) {
    super({ ...opts, name: opts.name ?? 'LargeDevice' });
    for (let i = 0; i < 4096; i++) {
      const b = Math.floor(i / 100) * 100;
      this.add(new LocalVariable({ name: `TestValue[${i}]`, mode: 'RW', guiGroup: `TestLargeGroup[${b}-${b + 99}]`, value: 0n }));
    }
  }
}

/**
 * pyrogue.examples.OsMemSlave (an OsCommandMemorySlave): each address is a command, read
 * as a 4-byte value: 0x00 the uptime (float32 s), 0x04/0x08/0x0C the 1/5/15-minute load
 * averages (float32), 0x10 FileTest (uint32: the last value written).
 */
export class OsMemSlave implements MemoryBackend {
  readonly minAccess = 4;
  readonly maxAccess = 1024;
  private fileTest = 0;

  private command(address: number, arg: Uint8Array | null): Uint8Array {
    const out = new Uint8Array(4);
    const dv = new DataView(out.buffer);
    switch (address) {
      case 0x00:
        if (arg === null) dv.setFloat32(0, os.uptime(), true);
        break;
      case 0x04:
      case 0x08:
      case 0x0c:
        if (arg === null) dv.setFloat32(0, os.loadavg()[(address - 4) / 4], true);
        break;
      case 0x10:
        if (arg !== null) this.fileTest = new DataView(arg.buffer, arg.byteOffset, arg.byteLength).getUint32(0, true);
        else dv.setUint32(0, this.fileTest, true);
        break;
      default:
        throw new Error(`Transaction address ${'0x' + address.toString(16).padStart(6, '0')} not found in os command list`);
    }
    return out;
  }
  read(address: number, size: number): Promise<Uint8Array> {
    return new Promise((resolve) => resolve(this.command(address, null).subarray(0, Math.min(4, size))));
  }
  write(address: number, data: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      this.command(address, data);
      resolve();
    });
  }
}

/** pyrogue.examples.OsMemMaster: Uptime, SysLoad1Min/5Min/15Min (RO float32, polled 1 s), FileTest (RW uint32). */
export class OsMemMaster extends Device {
  static override pyModule = 'pyrogue.examples._OsMemMaster';
  static override pyName = 'OsMemMaster';

  constructor(opts: DeviceOptions = {}) {
    super({ ...opts, name: opts.name ?? 'OsMemMaster', description: opts.description ?? 'OS Memory Master Device' });
    const ro = (name: string, description: string, offset: number) =>
      new RemoteVariable({ name, description, offset, bitSize: 32, base: Float, mode: 'RO', pollInterval: 1n });
    this.add(
      ro('Uptime', 'System Uptime In Seconds', 0x00),
      ro('SysLoad1Min', '1 Minute System Load', 0x04),
      ro('SysLoad5Min', '5 Minute System Load', 0x08),
      ro('SysLoad15Min', '15 Minute System Load', 0x0c),
      new RemoteVariable({ name: 'FileTest', description: 'File Read Write Test', offset: 0x10, bitSize: 32, base: UInt, mode: 'RW' }),
    );
  }
}

/** How many TestArray samples are kept (pyrogue keeps them all). */
const MAX_SAMPLES = 10000;

export class ExampleRoot extends Root {
  static override pyModule = 'pyrogue.examples._ExampleRoot';
  static override pyName = 'ExampleRoot';

  readonly prbsTx: PrbsTx;
  readonly fw: StreamWriter;
  private scnt = 0;
  private sdata: Float64Array = new Float64Array(100);
  private slen = 100;

  constructor(opts: RootOptions = {}) {
    super({ name: 'ExampleRoot', description: 'Example Root', timeout: 2.0, pollEn: true, ...opts });
    const sim = new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 });
    this.add(new AxiVersion({ memBase: sim, guiGroup: 'TestGroup', offset: 0 }));
    this.add(new LargeDevice({ guiGroup: 'TestGroup' }));

    // configuration stream
    const stream = new StreamVariable({ root: this });
    this.prbsTx = new PrbsTx();
    this.add(this.prbsTx);
    // the data writer, configuration on channel 1
    this.fw = new StreamWriter({ configStream: { 1: stream }, rawMode: true });
    this.add(this.fw);
    connectStream(this.prbsTx, this.fw.getChannel(0));
    const drx = new DataReceiver();
    connectStream(this.prbsTx, drx);
    this.add(drx);
    this.add(new RunControl());

    const p = new Process();
    p.add(new LocalVariable({ name: 'Test1', value: '' }));
    p.add(new LocalVariable({ name: 'Test2', value: '' }));
    this.add(p);

    this.add(
      new LocalVariable({
        name: 'TestPlot',
        mode: 'RO',
        pollInterval: 1.0,
        localGet: () => this.mySin(),
        minimum: -1.0,
        maximum: 1.0,
        disp: '{:1.2f}',
        value: 0.0,
      }),
      new LocalVariable({ name: 'TestXAxis', mode: 'RO', pollInterval: 1.0, localGet: () => this.scnt, disp: '{:1.2f}', value: 1.0 }),
      new LocalVariable({ name: 'TestArray', mode: 'RO', pollInterval: 1.0, localGet: () => this.myArray(), disp: '{:1.2f}' }),
    );
    this.add(new OsMemMaster({ memBase: new OsMemSlave() }));
  }

  private mySin(): number {
    const val = Math.sin((2 * Math.PI * this.scnt) / 100);
    if (this.slen === this.sdata.length) {
      if (this.slen < MAX_SAMPLES) {
        const grown = new Float64Array(Math.min(MAX_SAMPLES, this.sdata.length * 2));
        grown.set(this.sdata);
        this.sdata = grown;
      } else {
        this.sdata.copyWithin(0, 1);
        this.slen--;
      }
    }
    this.sdata[this.slen++] = val;
    this.scnt += 1;
    return val;
  }

  private myArray(): NdArray {
    const data = new Uint8Array(this.sdata.buffer.slice(0, this.slen * 8));
    return new NdArray(NpDtype.float64, [this.slen], data);
  }
}

export function createPyrogueExampleRoot(opts: RootOptions = {}): ExampleRoot {
  return new ExampleRoot(opts);
}
