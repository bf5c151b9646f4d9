/**
 * pyrogue-ts: serve a tree of variables and commands defined in TypeScript to
 * SLAC pyrogue's Python clients, and talk to any pyrogue server from Node.js.
 *
 *   import { Root, Device, LocalVariable, serve, SimpleClient, VirtualClient } from 'pyrogue-ts';
 *
 * The package root names what a user of the package uses, and nothing else
 * (test/public-surface.test.ts pins the list). Two subpaths:
 *   'pyrogue-ts/client'  the Node clients with their wire helpers
 *   'pyrogue-ts/pickle'  the pickle codec (encode/decode) and the Python value model
 */

// ---- Python values and exceptions (src/py): a Python int is a bigint, a float a number.
export * from './py/exported';
export type { PyValue, Reducible, HasPyRepr, DtypeKind } from './py/values';
export { PyError, PyException, PyTypeError, PyValueError, PyAttributeError, PyKeyError, PyIndexError, PyRuntimeError } from './py/errors';
export { pyRepr, pyStr } from './py/repr';
export { pyFormat } from './py/format';

// ---- The tree (src/tree): pyrogue's Root, Device, variables and commands.
export { Node } from './tree/node';
export type { NodeOptions, GetYamlOptions } from './tree/node';
export { Device } from './tree/device';
export type { DeviceOptions } from './tree/device';
export { Root } from './tree/root';
export type { RootOptions, SetYamlOptions } from './tree/root';
export { BaseVariable, LocalVariable, LinkVariable, VariableValue, VariableError } from './tree/variable';
export type {
  Mode,
  EnumInput,
  BaseVariableOptions,
  LocalVariableOptions,
  LinkVariableOptions,
  GetOptions,
  SetOptions,
  VariableListenerFunc,
  LocalGetArgs,
  LocalSetArgs,
  LinkedGetArgs,
  LinkedSetArgs,
} from './tree/variable';
export { BaseCommand, LocalCommand } from './tree/command';
export type { BaseCommandOptions, CommandArgs, CommandFunction } from './tree/command';
export { Process } from './tree/process';
export type { ProcessOptions } from './tree/process';
export { RemoteVariable, RemoteCommand } from './tree/remote';
export type { RemoteVariableOptions, RemoteCommandOptions } from './tree/remote';
export { EmulatedMemory } from './tree/memory';
export type { MemoryBackend, EmulatedMemoryOptions } from './tree/memory';
export { GeneralError } from './tree/block';
/** pyrogue's models (pr.UInt, pr.Int…); `String` only as `models.String`, not to shadow the global. */
export { UInt, UIntBE, UIntReversed, Int, IntBE, Bool, Float, FloatBE, Double, DoubleBE, Fixed, UFixed, Model } from './tree/model';
export * as models from './tree/model';
// Extension points (src/tree/README.md): Python class metadata of your own node classes.
export { prop, func, PyClassRef, RIM_HUB, RIM_MASTER, RIM_SLAVE, RIM_VARIABLE, BOOST_INSTANCE } from './tree/pyclass';
export type { MaybePromise, VarListener, VarListenerOptions } from './tree/surface';

// ---- DAQ (src/stream, src/devices; docs/daq.md), named as pyrogue names them: pyrogue.DataWriter,
// DataReceiver, RunControl, ArrayDevice; pyrogue.utilities.fileio (StreamWriter, StreamReader,
// FileReader) and .prbs (PrbsTx, PrbsRx, PrbsPair); rogue/pyrogue.interfaces.stream (Frame,
// StreamMaster, connectStream, connectPair, Variable).
export { DataWriter, DataReceiver, RunControl, ArrayDevice } from './devices';
export type { DataReceiverOptions, RunControlOptions, RunClock, ArrayDeviceOptions } from './devices';
export * as fileio from './devices/fileio';
export * as prbs from './devices/prbs';
export * as stream from './devices/streamNs';

// ---- Serving (src/server).
export { ZmqServer, consoleLogger, silentLogger } from './server/zmqServer';
export type { ZmqServerOptions, ZmqServerLogger } from './server/zmqServer';
export { serve, serveUntilSignal, registerTree, loadTreeModule } from './server/serve';
export type { ServeOptions, ServeHandle, ServableRoot, TreeFactory } from './server/serve';

// ---- rogue's memory TCP bridge (src/bridge): RemoteVariables on a rogue TcpServer, memory served to rogue's TcpClient.
export { MemoryTcpClient } from './bridge/client';
export type { MemoryTcpClientOptions, BridgeLogger } from './bridge/client';
export { MemoryTcpServer } from './bridge/server';
export type { MemoryTcpServerOptions } from './bridge/server';

// ---- Node clients of any pyrogue server (src/client; also 'pyrogue-ts/client').
export { SimpleClient } from './client/simple';
export type { SimpleClientOptions, UpdateCallback } from './client/simple';
export { VirtualClient, VirtualNode } from './client/virtual';
export type { VirtualClientOptions, LinkMonitor, CallArg } from './client/virtual';
export { RemoteError, ClientError, ClientTimeoutError, ClientConnectionError, ClientClosedError, ClientProtocolError } from './client/errors';
export { RemoteVariableValue, kw, pyFloat } from './client/values';
export type { Kwargs, PyFloatArg } from './client/values';
