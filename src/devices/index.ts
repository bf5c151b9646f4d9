/**
 * pyrogue's DAQ devices: tree semantics (src/tree) plus a stream (src/stream).
 *
 *   DataWriter, StreamWriter, StreamReader   pyrogue.DataWriter, pyrogue.utilities.fileio.*
 *   StreamVariable                           pyrogue.interfaces.stream.Variable (the config stream)
 *   DataReceiver                             pyrogue.DataReceiver
 *   RunControl                               pyrogue.RunControl
 *   PrbsTx, PrbsRx, PrbsPair                 pyrogue.utilities.prbs.*
 *   ArrayDevice                              pyrogue.ArrayDevice
 */
export { DataWriter, StreamWriter, StreamReader, asGeneralError, nodeLog } from './dataWriter';
export type { DataWriterOptions, StreamWriterDeviceOptions } from './dataWriter';
export { StreamVariable } from './streamVariable';
export type { StreamVariableOptions, ConfigStream } from './streamVariable';
export { DataReceiver, RIS_SLAVE, RIS_MASTER } from './dataReceiver';
export type { DataReceiverOptions } from './dataReceiver';
export { RunControl, realRunClock } from './runControl';
export type { RunControlOptions, RunClock } from './runControl';
export { PrbsTx, PrbsRx, PrbsPair } from './prbs';
export type { PrbsTxOptions, PrbsRxOptions, PrbsPairOptions } from './prbs';
export { ArrayDevice } from './arrayDevice';
export type { ArrayDeviceOptions } from './arrayDevice';
