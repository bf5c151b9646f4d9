/**
 * rogue's streams (`rogue.interfaces.stream`), without a tree or sockets: frames, the
 * master/slave connection with bounded back-pressure, and the stream layers built on it:
 * the PRBS generator/checker (`rogue.utilities.Prbs`) and the data files
 * (`rogue.utilities.fileio` StreamWriter/StreamReader, pyrogue's FileReader).
 */
export { Frame } from './frame';
export type { FrameInit } from './frame';
export { StreamMaster, StreamOverflowError, connectStream, connectPair } from './master';
export type { StreamSlave, StreamDuplex, StreamMasterOptions } from './master';
export { Prbs, PrbsError, PRBS_MAX_BYTES, defaultPrbsScheduler } from './prbs';
export type { PrbsOptions, PrbsScheduler } from './prbs';
export { StreamWriter, StreamWriterChannel, StreamReader, FileReader, FileReaderException, FileIoError, RecordScanner, RECORD_HEADER_SIZE } from './fileio';
export type {
  FileIoLog,
  StreamWriterOptions,
  StreamReaderOptions,
  FileReaderOptions,
  RogueHeader,
  BatchHeader,
  FileRecord,
  BatchRecord,
  ScannedRecord,
  ScanEnd,
} from './fileio';
export { summarizeDataFiles } from './summary';
export type { DataFileSummary, ChannelSummary, FileSummary, SummaryOptions } from './summary';
