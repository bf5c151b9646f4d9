/**
 * pyrogue's example device `pyrogue.examples._AxiVersion.AxiVersion`: the
 * AXI-Lite version registers (RemoteVariables over a memory base) plus the
 * test variables and commands pyrogue's example carries. Children, their
 * order, descriptions and defaults are those of pyrogue v6.15.0.
 *
 *   root.add(new AxiVersion({ memBase: new EmulatedMemory(), offset: 0 }));
 */
import { pyStr } from '../py/repr';
import { PyError } from '../py/errors';
import { NdArray, NpDtype, PyValue } from '../py/values';
import { BaseCommand } from '../tree/command';
import { Device, DeviceOptions } from '../tree/device';
import { Logger } from '../tree/log';
import { UInt } from '../tree/model';
import { RemoteCommand, RemoteVariable } from '../tree/remote';
import { LinkVariable, LocalVariable } from '../tree/variable';
import { MaybePromise } from '../tree/txn';

/** Python's str(datetime.timedelta(seconds=n)) for an integral number of seconds. */
export function timedeltaStr(seconds: bigint | number): string {
  let s = BigInt(seconds);
  const neg = s < 0n;
  // timedelta normalises to days (possibly negative) + 0 <= seconds < 86400
  let days = s / 86400n;
  s = s % 86400n;
  if (s < 0n) {
    s += 86400n;
    days -= 1n;
  }
  void neg;
  const h = s / 3600n;
  const m = (s % 3600n) / 60n;
  const sec = s % 60n;
  const hms = `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  if (days === 0n) return hms;
  return `${days} day${days === 1n || days === -1n ? '' : 's'}, ${hms}`;
}

/** pyrogue.MemoryError (str() is the repr of its text). */
export class PyMemoryError extends PyError {
  constructor(name: string, address: number, msg: string | null = null) {
    let v = `Memory Error for ${name} at address 0x${address.toString(16).padStart(6, '0')}`;
    if (msg !== null) v += ' ' + msg;
    super('pyrogue._Device', 'MemoryError', `'${v}'`);
  }
}

export interface AxiVersionOptions extends DeviceOptions {
  numUserConstants?: number;
}

export class AxiVersion extends Device {
  static override pyModule = 'pyrogue.examples._AxiVersion';
  static override pyName = 'AxiVersion';

  private _devLog: Logger | null = null;

  constructor(opts: AxiVersionOptions = {}) {
    super({ ...opts, name: opts.name ?? 'AxiVersion', description: opts.description ?? 'AXI-Lite Version Module' });

    this.add(
      new RemoteVariable({
        name: 'FpgaVersion',
        description: 'FPGA Firmware Version Number',
        offset: 0x00,
        bitSize: 32,
        bitOffset: 0,
        base: UInt,
        mode: 'RO',
        disp: '{:#08x}',
      }),
    );
    this.add(
      new RemoteVariable({
        name: 'ScratchPad',
        description: 'Register to test reads and writes',
        offset: 0x04,
        bitSize: 32,
        bitOffset: 0,
        base: UInt,
        mode: 'RW',
        units: 'Test',
        disp: '{:#08x}',
      }),
    );
    const upTimeCnt = new RemoteVariable({
      name: 'UpTimeCnt',
      description: 'Number of seconds since last reset',
      hidden: true,
      offset: 0x08,
      bitSize: 32,
      bitOffset: 0,
      base: UInt,
      mode: 'RO',
      disp: '{:d}',
      units: 'seconds',
      pollInterval: 1n,
    });
    this.add(upTimeCnt);
    this.add(
      new LinkVariable({
        name: 'UpTime',
        mode: 'RO',
        dependencies: [upTimeCnt],
        linkedGet: () => timedeltaStr(upTimeCnt.value() as bigint),
      }),
    );
    this.add(
      new RemoteVariable({
        name: 'FpgaReloadHalt',
        description: 'Used to halt automatic reloads via AxiVersion',
        offset: 0x100,
        bitSize: 1,
        bitOffset: 0,
        base: UInt,
        mode: 'RW',
      }),
    );
    const fpgaReload = new RemoteCommand({
      name: 'FpgaReload',
      description: 'Reload the FPGA from the attached PROM (if supported)',
      offset: 0x104,
      bitSize: 1,
      bitOffset: 0,
      base: UInt,
      arg: false,
      function: ({ cmd }) => cmd.post(1n),
    });
    this.add(fpgaReload);
    const reloadAddress = new RemoteVariable({
      name: 'FpgaReloadAddress',
      description: 'Reload start address',
      offset: 0x108,
      bitSize: 32,
      bitOffset: 0,
      base: UInt,
      mode: 'RW',
    });
    this.add(reloadAddress);
    this.add(
      new BaseCommand({
        name: 'FpgaReloadAtAddress',
        hidden: true,
        arg: true,
        function: async ({ arg }) => {
          await reloadAddress.set(arg);
          await fpgaReload.call();
        },
      }),
    );
    this.add(
      new RemoteVariable({ name: 'UserReset', description: 'User Reset (if supported)', offset: 0x10c, bitSize: 1, bitOffset: 0, base: UInt, mode: 'RW' }),
    );
    this.add(
      new RemoteVariable({
        name: 'FdSerial',
        description: 'Board ID value read from DS2411 chip',
        offset: 0x300,
        bitSize: 64,
        bitOffset: 0,
        base: UInt,
        mode: 'RO',
      }),
    );
    const nConst = opts.numUserConstants ?? 0;
    for (let i = 0; i < nConst; i++) {
      this.add(
        new RemoteVariable({
          name: `UserConstants[${i}]`,
          description: 'Optional user input values',
          offset: 0x400 + 4 * i,
          bitSize: 32,
          bitOffset: 0,
          base: UInt,
          mode: 'RO',
          hidden: true,
        }),
      );
    }
    this.add(
      new RemoteVariable({
        name: 'DeviceId',
        description: 'Device Identification  (configured by generic)',
        offset: 0x500,
        bitSize: 32,
        bitOffset: 0,
        base: UInt,
        mode: 'RO',
      }),
    );
    const gitHash = new RemoteVariable({
      name: 'GitHash',
      description: 'GIT SHA-1 Hash',
      offset: 0x600,
      bitSize: 160,
      bitOffset: 0,
      base: UInt,
      mode: 'RO',
      hidden: true,
    });
    this.add(gitHash);
    this.add(new LinkVariable({ name: 'GitHashShort', dependencies: [gitHash], disp: '{:07x}', linkedGet: () => (gitHash.value() as bigint) >> 132n }));
    this.add(
      new RemoteVariable({
        name: 'DeviceDna',
        description: 'Xilinx Device DNA value burned into FPGA',
        offset: 0x700,
        bitSize: 128,
        bitOffset: 0,
        base: UInt,
        mode: 'RO',
      }),
    );
    this.add(
      new RemoteVariable({
        name: 'TestEnum',
        description: 'ENUM Test Field',
        offset: 0x900,
        bitSize: 3,
        bitOffset: 0,
        enum: [
          [0n, 'Test0'],
          [1n, 'Test1'],
          [2n, 'Test2'],
          [3n, 'Test3'],
          [4n, 'Test4'],
        ],
        base: UInt,
        mode: 'RW',
        hidden: true,
      }),
    );

    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        for (let k = 0; k < 4; k++) this.add(new LocalVariable({ name: `TestArray[${i}][${j}][${k}]`, guiGroup: 'TestArray', value: 0n }));
    this.add(new LocalVariable({ name: 'TestArray[4][5]', guiGroup: 'TestArray', value: 0n }));
    this.add(new LocalVariable({ name: 'TestArray[6]', guiGroup: 'TestArray', value: 0n }));
    for (let i = 0; i < 2; i++) this.add(new LocalVariable({ name: `TestArray2[${i}]`, guiGroup: 'TestArray', value: 0n }));

    this.add(
      new RemoteVariable({ name: 'TestSpareArray[5][5]', description: 'Array Test Field', offset: 0x2000, bitSize: 32, bitOffset: 0, base: UInt, mode: 'RW' }),
    );
    this.add(
      new RemoteVariable({ name: 'TestSpareArray[8][8]', description: 'Array Test Field', offset: 0x2004, bitSize: 32, bitOffset: 0, base: UInt, mode: 'RW' }),
    );
    this.add(new RemoteVariable({ name: 'Test10Bit', description: 'Test 10 bits', offset: 0x2008, bitSize: 10, bitOffset: 0, base: UInt, mode: 'RW' }));
    this.add(
      new RemoteVariable({
        name: 'AlarmTest',
        description: 'Alarm Test Field',
        offset: 0x8000,
        bitSize: 32,
        bitOffset: 0,
        base: UInt,
        mode: 'RW',
        minimum: 100n,
        maximum: 1000n,
        lowAlarm: 200n,
        lowWarning: 300n,
        highWarning: 800n,
        highAlarm: 900n,
        value: 100n,
        disp: '{}',
        hidden: false,
        groups: ['NoConfig', 'NoAlarm'],
      }),
    );

    this.add(new LocalVariable({ name: 'TestRealArray', mode: 'RW', value: NdArray.from(NpDtype.int64, [1n, 2n, 3n, 4n]) }));
    this.add(
      new LocalVariable({
        name: 'TestReal2dArray',
        mode: 'RW',
        value: NdArray.from(NpDtype.float32, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4]),
      }),
    );
    this.add(new LocalVariable({ name: 'TestListA', mode: 'RW', value: NdArray.from(NpDtype.int32, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]) }));
    this.add(
      new LocalVariable({
        name: 'TestList2',
        mode: 'RW',
        value: [
          [1n, 2n, 3n, 4n],
          [5n, 6n, 7n, 8n],
          [9n, 10n, 11n, 12n],
        ],
      }),
    );
    this.add(new LocalVariable({ name: 'TestListB', mode: 'RW', value: NdArray.from(NpDtype.float64, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]) }));
    this.add(new LocalVariable({ name: 'TestBool', mode: 'RW', value: false }));
    this.add(new LocalVariable({ name: 'TestBoolArray', mode: 'RW', value: Array<PyValue>(10).fill(false) }));

    const strCmd = (name: string, fn: (arg: PyValue) => MaybePromise<PyValue | void>, value: PyValue = '') =>
      new BaseCommand({ name, value, retValue: '', arg: true, function: ({ arg }) => fn(arg) });
    this.add(strCmd('TestCommand', (arg) => `Got ${fmtArg(arg)}`));
    this.add(
      strCmd('TestMemoryException', () => {
        throw new PyMemoryError('blah', 0);
      }),
    );
    this.add(strCmd('TestErrorLog', () => this.devLog.error('Test error message')));
    // pyrogue logs at level 93 here; the tree logger has no numeric levels, so this logs nothing.
    this.add(strCmd('TestOtherLog', () => undefined));
    this.add(
      strCmd('TestGeneralException', () => {
        throw new PyError('rogue', 'GeneralError', 'AxiStreamDma::AxiStreamDma: General Error: Failed to open device file /dev/not_a_device with dest 0x0');
      }),
    );
    this.add(
      strCmd('TestOtherError', () => {
        throw new PyError(
          'Boost.Python',
          'ArgumentError',
          'Python argument types in\n    AxiStreamDma.__init__(AxiStreamDma, str, int)\ndid not match C++ signature:\n    __init__(_object*, std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, unsigned int, bool)',
        );
      }),
    );
    this.add(strCmd('TestCmdString', () => undefined, 'blah blah'));
    this.add(
      new BaseCommand({
        name: 'TestCmdEnum',
        value: 1n,
        retValue: '',
        enum: [
          [1n, 'One'],
          [2n, 'Two'],
          [3n, 'Three'],
        ],
        arg: true,
        function: () => undefined,
      }),
    );
  }

  /** The device logger (pyrogue `self._log`: 'pyrogue.Device.AxiVersion.<path>'). */
  get devLog(): Logger {
    if (!this._devLog || !this._devLog.name.endsWith('.' + this.path))
      this._devLog = new Logger(`pyrogue.Device.AxiVersion.${this.path}`, () => this.root?._logSink ?? null);
    return this._devLog;
  }

  override hardReset(): MaybePromise<void> {
    return super.hardReset();
  }
}

/** f'{arg}' of a Python value. */
function fmtArg(v: PyValue): string {
  return pyStr(v);
}
