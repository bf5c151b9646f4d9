/**
 * rogue's `rogue.interfaces.stream` and pyrogue's `pyrogue.interfaces.stream`, as the package
 * root's `stream` namespace: frames, masters and slaves, and the config stream (`Variable`).
 */
export { Frame, StreamMaster, StreamOverflowError, connectStream, connectPair } from '../stream';
export type { FrameInit, StreamSlave, StreamDuplex, StreamMasterOptions } from '../stream';
export { StreamVariable as Variable } from './streamVariable';
export type { StreamVariableOptions as VariableOptions, ConfigStream } from './streamVariable';
