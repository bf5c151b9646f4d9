// Follows PyYAML 6.0's (MIT licensed) nodes algorithm and error texts.
/** The composer's nodes. */
import type { Mark } from './error';

export type YNode =
  | { id: 'scalar'; tag: string; value: string; start: Mark; end: Mark }
  | { id: 'sequence'; tag: string; value: YNode[]; start: Mark; end: Mark }
  | { id: 'mapping'; tag: string; value: [YNode, YNode][]; start: Mark; end: Mark };
