/**
 * pyrogue's `ArrayDevice`: `number` devices of one class, named `Class[i]` (or as
 * `arrayArgs` name them), at offsets `i * stride`.
 *
 *   root.add(new ArrayDevice({ arrayClass: Channel, number: 4, stride: 0x100, memBase }));
 *   // ChannelArray.Channel[0] … Channel[3]; root.ChannelArray.Channel[2] from Python
 */
import { classInfo } from '../tree/pyclass';
import { Device, type DeviceOptions } from '../tree/device';

export interface ArrayDeviceOptions<O extends DeviceOptions> extends DeviceOptions {
  /** The class of each element; constructed with `{ name, offset, ...arrayArgs[i] }`. */
  arrayClass: new (opts: O) => Device;
  number: number;
  /** Address stride between elements. Default 0. */
  stride?: number | bigint;
  /** Options for each element (a list, one per element), or the same options for all. */
  arrayArgs?: Partial<O>[] | Partial<O> | null;
}

export class ArrayDevice<O extends DeviceOptions = DeviceOptions> extends Device {
  static override pyModule = 'pyrogue._Device';
  static override pyName = 'ArrayDevice';

  constructor(opts: ArrayDeviceOptions<O>) {
    const { arrayClass, number, stride, arrayArgs, ...rest } = opts;
    const cls = classInfo(arrayClass).name;
    super({ ...rest, name: opts.name ?? `${cls}Array` });
    const args: Partial<O>[] =
      arrayArgs == null
        ? Array.from({ length: number }, () => ({}))
        : Array.isArray(arrayArgs)
          ? arrayArgs
          : Array.from({ length: number }, () => ({ ...arrayArgs }));
    const st = BigInt(stride ?? 0);
    for (let i = 0; i < number; i++) {
      const a = { ...(args[i] ?? {}) };
      const name = a.name ?? `${cls}[${i}]`;
      delete a.name;
      this.add(new arrayClass({ ...a, name, offset: BigInt(i) * st } as O));
    }
  }
}
