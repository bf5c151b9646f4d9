// A DAQ tree (docs/daq.md): a PRBS source streaming into a data file (with the tree's state
// as YAML on channel 255) and into a receiver, beside a run control that makes one frame
// per tick. `npx pyrogue-ts serve --tree ./daq-tree.js` serves it (after tsc).
import { DataReceiver, Root, RunControl, fileio, prbs, stream } from 'pyrogue-ts';

class Waveform extends DataReceiver {
  // pyrogue's process(frame): what each frame becomes in the tree
  protected override process(frame: stream.Frame): void {
    void super.process(frame); // Data = the payload (a uint8 array), Updated = True
  }
}

export default function createDaqRoot(): Root {
  const root = new Root({ name: 'Daq' });
  const config = new stream.Variable({ root }); // pyrogue.interfaces.stream.Variable
  const writer = new fileio.StreamWriter({ configStream: { 255: config } });
  const source = new prbs.PrbsTx();
  const waveform = new Waveform();
  root.add(source, writer, waveform, new RunControl({ cmd: () => source.genFrame.call(1n) }));
  stream.connectStream(source, writer.getChannel(0)); // pyrogue: source >> writer.getChannel(0)
  stream.connectStream(source, waveform);
  return root;
}
