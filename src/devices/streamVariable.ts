/**
 * pyrogue's `pyrogue.interfaces.stream.Variable`: a stream master that sends the tree's
 * variable values as YAML text frames.
 *
 *   const cfg = new StreamVariable({ root });            // excGroups ['NoStream'] by default
 *   const writer = new StreamWriter({ configStream: { 255: cfg } });
 *
 * `streamYaml()` sends the full state (Root.getYaml without a read, modes RW/RO/WO, the
 * groups given); after every update batch of the root it sends the batch's variables as
 * `{path: value}` (pyrogue's `_varUpdate` / `_varDone`). A StreamWriter writes the frames
 * only while its file is open.
 */
import { StreamMaster, type StreamSlave } from '../stream/master';
import { Frame } from '../stream/frame';
import type { Root } from '../tree/root';
import { then, type MaybePromise } from '../tree/txn';
import { VariableValue } from '../tree/variable';
import { dataToYaml, normGroups, type YamlTree } from '../tree/yamlText';

export interface StreamVariableOptions {
  root: Root;
  incGroups?: string | string[] | null;
  /** Default ['NoStream']. */
  excGroups?: string | string[] | null;
}

/** What a config stream of pyrogue's StreamWriter provides (StreamVariable does). */
export interface ConfigStream {
  addSlave(slave: StreamSlave): void;
  /** Sends the full state as one frame. */
  streamYaml(): MaybePromise<void>;
}

export class StreamVariable extends StreamMaster implements ConfigStream {
  private readonly root: Root;
  private readonly incGroups: string[] | null;
  private readonly excGroups: string[] | null;
  private updateList: YamlTree = new Map<string, VariableValue>();

  constructor(opts: StreamVariableOptions) {
    // frames of the tree's state are never dropped for a slow slave before this many wait
    super({ maxPending: 1024 });
    this.root = opts.root;
    this.incGroups = normGroups(opts.incGroups ?? null);
    this.excGroups = opts.excGroups === undefined ? ['NoStream'] : normGroups(opts.excGroups);
    this.root.addVarListener(
      (path, value) => {
        if (value instanceof VariableValue) this.updateList.set(path, value);
      },
      () => this.varDone(),
      { incGroups: this.incGroups, excGroups: this.excGroups },
    );
  }

  /** pyrogue `streamYaml()`: the full state, not read first. */
  streamYaml(): MaybePromise<void> {
    return then(this.root.getYaml({ readFirst: false, modes: ['RW', 'RO', 'WO'], incGroups: this.incGroups, excGroups: this.excGroups, recurse: true }), (y) =>
      this.sendYaml(y),
    );
  }

  private varDone(): void {
    if (this.updateList.size === 0) return;
    const batch = this.updateList;
    this.updateList = new Map();
    void this.sendYaml(dataToYaml(batch));
  }

  private sendYaml(text: string): MaybePromise<void> {
    return this.sendFrame(Frame.fromText(text));
  }
}
