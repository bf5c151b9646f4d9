/**
 * pyrogue's `pyrogue.utilities.fileio`, as the package root's `fileio` namespace: the
 * StreamWriter and StreamReader devices and the FileReader.
 */
export { StreamWriter, StreamReader } from './dataWriter';
export type { StreamWriterDeviceOptions, DataWriterOptions } from './dataWriter';
export { FileReader, FileReaderException } from '../stream/fileio';
export type { FileReaderOptions, RogueHeader, BatchHeader, FileRecord, BatchRecord } from '../stream/fileio';
