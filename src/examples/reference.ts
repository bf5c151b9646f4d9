/**
 * TypeScript port of ../shared/reference/reference_root.py: the reference tree
 * (Root + AxiVersion + Demo) the golden transcript was recorded from.
 *
 *   const root = createReferenceRoot();
 *   await root.start();   // the server helper registers its ZmqServer with root.addInterface(...)
 */
import { PyTypeError, PyValueError } from '../py/errors';
import { NdArray, NpDtype, PyValue } from '../py/values';
import { Device, DeviceOptions } from '../tree/device';
import { LocalCommand } from '../tree/command';
import { Root, RootOptions } from '../tree/root';
import { LinkVariable, LocalVariable } from '../tree/variable';
import { EmulatedMemory, type MemoryBackend } from '../tree/memory';
import { AxiVersion } from './axiversion';

/** Python's `arg * 3` for the values a client may send. */
function times3(arg: PyValue): PyValue {
  if (typeof arg === 'bigint') return arg * 3n;
  if (typeof arg === 'number') return arg * 3;
  if (typeof arg === 'boolean') return BigInt(arg) * 3n;
  if (typeof arg === 'string') return arg.repeat(3);
  if (Array.isArray(arg)) return [...arg, ...arg, ...arg];
  throw new PyTypeError(`unsupported operand type(s) for *: '${arg === null ? 'NoneType' : typeof arg}' and 'int'`);
}

export class Demo extends Device {
  static override pyModule = 'reference_root';
  static override pyName = 'Demo';

  constructor(opts: DeviceOptions = {}) {
    super(opts);
    const int = new LocalVariable({ name: 'Int', value: 1n, mode: 'RW', description: 'plain int' });
    this.add(int);
    this.add(new LocalVariable({ name: 'Negative', value: -5n, mode: 'RW' }));
    this.add(new LocalVariable({ name: 'BigInt', value: 2n ** 64n - 1n, mode: 'RW', typeStr: 'UInt64' }));
    this.add(
      new LocalVariable({
        name: 'Float',
        value: 1.5,
        mode: 'RW',
        units: 'V',
        disp: '{:1.3f}',
        minimum: -10.0,
        maximum: 10.0,
        lowAlarm: -9.0,
        lowWarning: -8.0,
        highWarning: 8.0,
        highAlarm: 9.0,
      }),
    );
    this.add(new LocalVariable({ name: 'Bool', value: false, mode: 'RW' }));
    this.add(new LocalVariable({ name: 'Text', value: 'hello', mode: 'RW' }));
    this.add(
      new LocalVariable({
        name: 'Enum',
        value: 0n,
        mode: 'RW',
        enum: [
          [0n, 'Zero'],
          [1n, 'One'],
          [2n, 'Two'],
        ],
      }),
    );
    this.add(new LocalVariable({ name: 'List', value: [1n, 2n, 3n], mode: 'RW' }));
    this.add(new LocalVariable({ name: 'Array', value: NdArray.from(NpDtype.float64, [0.5, 1.5, 2.5]), mode: 'RW' }));
    this.add(new LocalVariable({ name: 'IntArray', value: NdArray.from(NpDtype.int32, [1n, 2n, 3n, 4n]), mode: 'RW' }));
    this.add(new LocalVariable({ name: 'ReadOnly', value: 42n, mode: 'RO' }));
    this.add(new LocalVariable({ name: 'WriteOnly', value: 0n, mode: 'WO' }));
    this.add(new LocalVariable({ name: 'HexDisp', value: 255n, mode: 'RW', disp: '{:#x}' }));
    this.add(new LocalVariable({ name: 'HiddenVar', value: 7n, mode: 'RW', groups: ['Hidden'] }));
    this.add(new LocalVariable({ name: 'NoServeVar', value: 9n, mode: 'RW', groups: ['NoServe'] }));
    this.add(
      new LinkVariable({
        name: 'IntTimesTwo',
        mode: 'RO',
        dependencies: [int],
        linkedGet: ({ read }) => times2(int.get({ read })),
      }),
    );
    this.add(new LocalCommand({ name: 'NoArg', function: () => null }));
    this.add(new LocalCommand({ name: 'Multiply', value: 0n, retValue: 0n, arg: true, function: ({ arg }) => times3(arg) }));
    this.add(new LocalCommand({ name: 'Fail', function: () => this._fail() }));
    this.add(new LocalCommand({ name: 'Echo', value: '', retValue: '', arg: true, function: ({ arg }) => arg }));
    for (let i = 0; i < 3; i++) this.add(new LocalVariable({ name: `Chan[${i}]`, value: BigInt(i * 10), mode: 'RW' }));
  }

  private _fail(): never {
    throw new PyValueError('command failed on purpose');
  }
}

function times2(v: PyValue): PyValue {
  if (typeof v === 'bigint') return v * 2n;
  if (typeof v === 'number') return v * 2;
  if (typeof v === 'boolean') return BigInt(v) * 2n;
  throw new PyTypeError(`unsupported operand type(s) for *: '${typeof v}' and 'int'`);
}

export class ReferenceRoot extends Root {
  static override pyModule = 'reference_root';
  static override pyName = 'ReferenceRoot';
}

/** The AxiVersion device class (pyrogue.examples._AxiVersion.AxiVersion), constructed as AxiVersion({memBase, offset: 0}). */
type DeviceClass = new (opts: DeviceOptions) => Device;
export function loadAxiVersion(): DeviceClass {
  return AxiVersion;
}

export interface ReferenceRootOptions extends RootOptions {
  /** Memory the AxiVersion is mapped into (default: a fresh zeroed EmulatedMemory(4, 0x1000)). */
  memory?: MemoryBackend;
  /** Leave AxiVersion out even when available. */
  withoutAxiVersion?: boolean;
}

/** The reference tree: Root 'Root' (ReferenceRoot, module reference_root, pollEn off, timeout 2.0) + AxiVersion + Demo. */
export function createReferenceRoot(opts: ReferenceRootOptions = {}): ReferenceRoot {
  const root = new ReferenceRoot({ name: 'Root', description: 'Reference root', pollEn: false, timeout: 2.0, ...opts });
  const Axi = opts.withoutAxiVersion ? null : loadAxiVersion();
  if (Axi) {
    const mem = opts.memory ?? new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 });
    root.add(new Axi({ memBase: mem, offset: 0 }));
  }
  root.add(new Demo({ name: 'Demo' }));
  return root;
}
