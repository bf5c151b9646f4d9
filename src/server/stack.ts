/**
 * What a ZmqServer is made of, sans I/O: its two request ports, its update
 * batcher, when frames leave, and the receive loop of its ROUTER ports.
 * `plainStack` is pyrogue's `ZmqServer` as it reads: every request decoded,
 * resolved, called and pickled afresh, each update batch pickled and sent
 * when it is done. `fastStack` (src/server/fast) is the same, with what can
 * be kept kept; test/server-equivalence.test.ts holds the two to the same
 * bytes.
 */
import { BinaryPort, type BinaryPortOptions, type RequestPort } from './dispatch';
import { UpdateBatcher, type Batcher } from './publish';
import { RouterLoop, type RouterLoopOptions } from './receive';
import { StringPort, type StringPortOptions } from './strport';
import type { PickleCodec } from './codec';
import type { RootSurface, VarListenerOptions } from '../tree/surface';

/** Where a batch's frame goes on its way to the PUB socket. */
export interface Outbox {
  /** Queues (or sends) one frame. */
  push(frame: Uint8Array): void;
  /** Sends every waiting frame now. */
  flush(): void;
}

export interface ServerStack {
  readonly binary: RequestPort;
  readonly string: StringPort;
  readonly batcher: Batcher;
  readonly outbox: Outbox;
  /** The receive loop of a ROUTER port. */
  loop(options: RouterLoopOptions): RouterLoop;
}

/** The plain stack's parts, with their own types (what the fast stack is built on). */
export interface PlainStack extends ServerStack {
  readonly binary: BinaryPort;
  readonly batcher: UpdateBatcher;
}

export interface StackOptions extends StringPortOptions {
  root: RootSurface;
  codec?: PickleCodec;
  replyProtocol?: BinaryPortOptions['replyProtocol'];
  /** Sends frames to the PUB socket, one message each, in order. */
  send: (frames: Uint8Array[]) => void;
  /** Told when an update batch cannot be pickled. */
  warn?: (message: string) => void;
  /** The fast stack's PublishOutbox `coalesceMs`. */
  publishCoalesceMs?: number;
}

export function plainStack(options: StackOptions): PlainStack {
  const send = options.send;
  return {
    binary: new BinaryPort(options.root, { codec: options.codec, replyProtocol: options.replyProtocol }),
    string: new StringPort(options.root, { str: options.str, jsonLoads: options.jsonLoads, decodeUtf8: options.decodeUtf8 }),
    batcher: new UpdateBatcher(options.codec, options.warn),
    outbox: { push: (frame) => send([frame]), flush: () => undefined },
    loop: (o) => new RouterLoop(o),
  };
}

/**
 * Registers the stack's batcher as the root's var-listener, as pyrogue's
 * ZmqServer does in `__init__`: each update of a batch passing the group
 * filter, then the batch's frame to the outbox.
 */
export function listen(root: RootSurface, stack: ServerStack, groups: VarListenerOptions): void {
  const batcher = stack.batcher;
  const outbox = stack.outbox;
  root.addVarListener(
    (path, value) => batcher.update(path, value),
    () => {
      const frame = batcher.done();
      if (frame !== null) outbox.push(frame);
    },
    groups,
  );
}
