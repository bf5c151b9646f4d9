/**
 * The tree layer's public API: pyrogue's Node/Device/Root, variables and
 * commands, in TypeScript. Values are Python-typed (see src/py/values):
 * `1n` is a Python int, `1.5` a Python float, NdArray a numpy array.
 *
 *   import { Root, Device, LocalVariable, LinkVariable, LocalCommand } from './tree';
 *
 *   class MyDevice extends Device {
 *     static override pyModule = 'my_module';          // Python class shown to clients: my_module.MyDevice
 *     constructor() {
 *       super({ name: 'Dev', description: 'my device' });
 *       const gain = new LocalVariable({ name: 'Gain', value: 1n, mode: 'RW' });
 *       this.add(gain);
 *       this.add(new LinkVariable({ name: 'Gain2', dependencies: [gain], linkedGet: ({ read }) => (gain.get({ read }) as bigint) * 2n }));
 *       this.add(new LocalCommand({ name: 'Triple', value: 0n, retValue: 0n, function: ({ arg }) => (arg as bigint) * 3n }));
 *     }
 *   }
 *   const root = new Root({ name: 'Root', pollEn: false });
 *   root.add(new MyDevice());
 *   await root.start();
 */
export * from './pyclass';
export * from './txn';
export * from './log';
export * from './node';
export * from './variable';
export * from './command';
export * from './device';
export * from './process';
export * from './root';
// YAML: the layout and the readers (Root's setYaml/loadYaml and its file commands use the rest of ./yaml).
export { getDict, nodeGetYaml, dataToYaml, yamlToData, nodeMatch, setDict } from './yaml';
export type { YamlTree } from './yaml';
export type { PyCallable, PyAttrSurface, RootSurface, RootInterface, VarListener, VarListenerOptions } from './surface';
export { isPyCallable } from './surface';
// The memory layer: backends, models (pyrogue's pr.UInt, pr.Int… — `String` only as models.String), RemoteVariable/RemoteCommand.
export { EmulatedMemory } from './memory';
export type { MemoryBackend, EmulatedMemoryOptions } from './memory';
export { UInt, UIntBE, UIntReversed, Int, IntBE, Bool, Float, FloatBE, Double, DoubleBE, Fixed, UFixed, Model, isModel } from './model';
export * as models from './model';
export { RemoteVariable, RemoteCommand, buildRemoteBlocks } from './remote';
export type { RemoteVariableOptions, RemoteCommandOptions } from './remote';
export { GeneralError } from './block';
