/** `pyrogue-ts datafile FILE…`: what rogue data files hold (src/stream/summary.ts). */
import type { Command } from 'commander';
import * as fs from 'fs';
import { summarizeDataFiles, type DataFileSummary } from '../stream/summary';
import { CliError, out } from './common';

interface DatafileOpts {
  json?: boolean;
  prbs?: boolean;
  prbsWidth?: string;
  configChan?: string;
}

function intOption(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new CliError(`bad ${name} '${text}' (expected an integer ${min}..${max})`);
  return n;
}

function printText(s: DataFileSummary): void {
  for (const f of s.files) out(`${f.file}: ${f.size} bytes, ${f.records} records${f.end === 'ok' ? '' : ` (${f.end})`}`);
  out(`records: ${s.records}, payload bytes: ${s.bytes}`);
  for (const [ch, c] of Object.entries(s.channels)) {
    const list = (m: Record<string, number>) =>
      Object.entries(m)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ');
    out(`channel ${ch}: ${c.records} records, ${c.bytes} bytes; flags ${list(c.flags)}; errors ${list(c.errors)}`);
  }
  if (s.config) out(`config: channel ${s.config.channel}, ${s.config.records} records, top-level keys: ${s.config.keys.join(', ') || '(none)'}`);
  else out('config: none found');
  if (s.prbs) out(`prbs (channel 0): ${s.prbs.frames} frames good, ${s.prbs.errors} errors, ${s.prbs.bytes} bytes`);
}

export function registerDatafile(program: Command): void {
  program
    .command('datafile')
    .description("summarize rogue data files (StreamWriter's format): records and bytes per channel, flags, errors, config keys")
    .argument('<files...>', 'data files, read in order as one sequence (e.g. run.dat.1 run.dat.2)')
    .option('--json', 'print the summary as JSON')
    .option('--prbs', "run the channel-0 frames through rogue's PRBS checker")
    .option('--prbs-width <bits>', 'PRBS word width (a multiple of 32)', '32')
    .option('--config-chan <n>', "the configuration stream's channel (default: found by its YAML records)")
    .action((files: string[], opts: DatafileOpts) => {
      for (const f of files) if (!fs.existsSync(f)) throw new CliError(`no such file: ${f}`);
      const s = summarizeDataFiles(files, {
        prbs: opts.prbs === true,
        prbsWidth: intOption(opts.prbsWidth ?? '32', '--prbs-width', 32, 512),
        configChan: opts.configChan === undefined ? 'auto' : intOption(opts.configChan, '--config-chan', 0, 255),
      });
      if (opts.json) out(JSON.stringify(s, null, 2));
      else printText(s);
    });
}
