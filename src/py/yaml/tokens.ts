// Follows PyYAML 6.0's (MIT licensed) tokens algorithm and error texts.
/** The scanner's tokens. */
import type { Mark } from './error';

export interface Token {
  id: string;
  start: Mark;
  end: Mark;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a token's value is per token kind, as in PyYAML
  value?: any;
  plain?: boolean;
  style?: string | null;
  name?: string;
}

export const T = {
  DIRECTIVE: '<directive>',
  DOC_START: '<document start>',
  DOC_END: '<document end>',
  STREAM_START: '<stream start>',
  STREAM_END: '<stream end>',
  BSEQ_START: '<block sequence start>',
  BMAP_START: '<block mapping start>',
  BLOCK_END: '<block end>',
  FSEQ_START: '[',
  FMAP_START: '{',
  FSEQ_END: ']',
  FMAP_END: '}',
  KEY: '?',
  VALUE: ':',
  BLOCK_ENTRY: '-',
  FLOW_ENTRY: ',',
  ALIAS: '<alias>',
  ANCHOR: '<anchor>',
  TAG: '<tag>',
  SCALAR: '<scalar>',
} as const;
