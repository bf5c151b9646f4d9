// Follows PyYAML 6.0's (MIT licensed) events algorithm and error texts.
/** The parser's events. */
import type { Mark } from './error';

export interface Event {
  kind: 'StreamStart' | 'StreamEnd' | 'DocumentStart' | 'DocumentEnd' | 'Alias' | 'Scalar' | 'SequenceStart' | 'SequenceEnd' | 'MappingStart' | 'MappingEnd';
  start: Mark;
  end: Mark;
  anchor?: string | null;
  tag?: string | null;
  implicit?: [boolean, boolean] | boolean;
  value?: string;
  style?: string | null;
}
