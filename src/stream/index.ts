/**
 * rogue's streams (`rogue.interfaces.stream`), without a tree or sockets: frames, the
 * master/slave connection with bounded back-pressure, and the stream layers built on it.
 */
export { Frame } from './frame';
export type { FrameInit } from './frame';
export { StreamMaster, StreamOverflowError, connectStream, connectPair } from './master';
export type { StreamSlave, StreamDuplex, StreamMasterOptions } from './master';
