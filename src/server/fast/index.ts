/**
 * The server's fast paths, as one layer on the plain stack (../stack.ts):
 * what a request or an update sent again can reuse, and when replies and
 * frames leave. Each part states the fact it relies on where it keeps
 * something, and checks it; test/server-equivalence.test.ts drives the
 * golden recordings and generated request streams through both stacks and
 * requires the same reply and frame bytes.
 *
 * - requests.ts  `FastBinaryPort`: decoded requests, resolved methods and
 *                bound arguments, and unchanged replies kept per request
 * - publish.ts   `FastUpdateBatcher`: one-path batches without a dict, the
 *                frame of an unchanged update kept; `PublishOutbox`: bursts
 * - receive.ts   `FastRouterLoop`: synchronous requests answered on the spot
 */
import { plainStack, type ServerStack, type StackOptions } from '../stack';
import { FastUpdateBatcher, PublishOutbox } from './publish';
import { FastBinaryPort } from './requests';
import { FastRouterLoop } from './receive';

export { FastBinaryPort, requestHash } from './requests';
export { FastUpdateBatcher, PublishOutbox } from './publish';
export type { OutboxTimer, PublishOutboxOptions } from './publish';
export { FastRouterLoop } from './receive';

export function fastStack(options: StackOptions): ServerStack {
  const plain = plainStack(options);
  return {
    binary: new FastBinaryPort(plain.binary, options.root),
    string: plain.string,
    batcher: new FastUpdateBatcher(plain.batcher),
    outbox: new PublishOutbox({ send: options.send, coalesceMs: options.publishCoalesceMs }),
    loop: (o) => new FastRouterLoop(o),
  };
}
