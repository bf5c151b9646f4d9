/**
 * What a set of rogue data files holds (what `pyrogue-ts datafile` prints): records and
 * bytes per channel, the flags and error values seen, the configuration records'
 * top-level keys, and optionally the channel-0 frames run through the PRBS checker.
 * The files are read in the order given, as one sequence (as the parts of a split file).
 */
import { pyYamlLoad } from '../py/yaml';
import { PyDict } from '../py/values';
import { Frame } from './frame';
import { Prbs } from './prbs';
import { RecordScanner, type ScanEnd } from './fileio';

export interface ChannelSummary {
  records: number;
  bytes: number;
  /** flags value → records with it (hex keys '0x0000'); at most `maxDistinct` values, then '…'. */
  flags: Record<string, number>;
  /** error value → records with it (hex keys '0x00'). */
  errors: Record<string, number>;
}

export interface FileSummary {
  file: string;
  size: number;
  records: number;
  /** 'ok', or why reading stopped before the end. */
  end: string;
}

export interface DataFileSummary {
  files: FileSummary[];
  records: number;
  bytes: number;
  channels: Record<string, ChannelSummary>;
  /** The configuration stream: its channel, records and the top-level keys of what they merge into (null: none found). */
  config: { channel: number; records: number; keys: string[] } | null;
  /** The channel-0 frames through rogue's PRBS checker (null: not asked). */
  prbs: { frames: number; errors: number; bytes: number } | null;
}

export interface SummaryOptions {
  /** Run the channel-0 frames through the PRBS checker. */
  prbs?: boolean;
  /** PRBS word width in bits (default 32). */
  prbsWidth?: number;
  /**
   * The configuration channel; 'auto' (default): the first channel other than 0 whose
   * first record is UTF-8 YAML text holding a mapping; null: none.
   */
  configChan?: number | 'auto' | null;
  /** Distinct flags/error values listed per channel before the rest are counted under '…'. Default 16. */
  maxDistinct?: number;
}

const hex = (v: number, digits: number) => `0x${v.toString(16).padStart(digits, '0')}`;

function endText(e: ScanEnd | null): string {
  if (e === null || e.kind === 'end') return 'ok';
  if (e.kind === 'badSize') return `bad size word ${e.size} at offset ${e.offset}`;
  return `underrun at offset ${e.offset}: ${e.part} needs ${e.want} bytes, ${e.have} left`;
}

/** A YAML mapping from a record's payload, or null when it is not one. */
function yamlMapping(payload: Uint8Array): PyDict | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return null;
  }
  try {
    const d = pyYamlLoad(text);
    return d instanceof PyDict ? d : null;
  } catch {
    return null;
  }
}

export function summarizeDataFiles(files: string[], opts: SummaryOptions = {}): DataFileSummary {
  const maxDistinct = opts.maxDistinct ?? 16;
  const out: DataFileSummary = { files: [], records: 0, bytes: 0, channels: {}, config: null, prbs: null };
  const checker = opts.prbs ? new Prbs({ width: opts.prbsWidth ?? 32 }) : null;
  let configChan: number | null = opts.configChan === 'auto' || opts.configChan === undefined ? -1 : opts.configChan;
  const seenChannels = new Set<number>();
  const keys: string[] = [];
  let configRecords = 0;
  const bump = (m: Record<string, number>, k: string) => {
    if (k in m) m[k]++;
    else if (Object.keys(m).length < maxDistinct) m[k] = 1;
    else m['…'] = (m['…'] ?? 0) + 1;
  };
  for (const file of files) {
    const scan = new RecordScanner(file);
    const fs: FileSummary = { file, size: 0, records: 0, end: 'ok' };
    try {
      for (let r = scan.next(); r !== null; r = scan.next()) {
        const { header: h, payload } = r;
        fs.records++;
        out.records++;
        out.bytes += h.size;
        const c = (out.channels[String(h.channel)] ??= { records: 0, bytes: 0, flags: {}, errors: {} });
        c.records++;
        c.bytes += h.size;
        bump(c.flags, hex(h.flags, 4));
        bump(c.errors, hex(h.error, 2));
        const first = !seenChannels.has(h.channel);
        seenChannels.add(h.channel);
        if (configChan === -1 && first && h.channel !== 0 && yamlMapping(payload) !== null) configChan = h.channel;
        if (h.channel === configChan) {
          configRecords++;
          const d = yamlMapping(payload);
          if (d !== null)
            for (const k of d.keys()) {
              const top = String(k).split('.')[0];
              if (!keys.includes(top)) keys.push(top);
            }
        } else if (checker !== null && h.channel === 0) {
          void checker.acceptFrame(new Frame(payload, { flags: h.flags, error: h.error, channel: h.channel }));
        }
      }
      fs.end = endText(scan.end);
    } finally {
      fs.size = scan.size;
      scan.close();
    }
    out.files.push(fs);
  }
  if (configChan !== null && configChan >= 0 && configRecords > 0) out.config = { channel: configChan, records: configRecords, keys };
  if (checker !== null) out.prbs = { frames: checker.rxCount, errors: checker.rxErrors, bytes: checker.rxBytes };
  return out;
}
