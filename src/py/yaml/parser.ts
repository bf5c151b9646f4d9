// Follows PyYAML 6.0's (MIT licensed) parser algorithm and error texts.
/** Tokens → events. */
import { marked, type Mark, r } from './error';
import type { Event } from './events';
import type { Scanner } from './scanner';
import { T } from './tokens';

const DEFAULT_TAGS: Record<string, string> = { '!': '!', '!!': 'tag:yaml.org,2002:' };

export class Parser {
  private current: Event | null = null;
  private tagHandles: Record<string, string> = {};
  private states: (() => Event)[] = [];
  private marks: Mark[] = [];
  private state: (() => Event) | null;

  constructor(private readonly s: Scanner) {
    this.state = this.parseStreamStart;
  }

  checkEvent(...kinds: Event['kind'][]): boolean {
    if (this.current === null && this.state) this.current = this.state();
    if (this.current !== null) {
      if (!kinds.length) return true;
      return kinds.includes(this.current.kind);
    }
    return false;
  }
  peekEvent(): Event {
    if (this.current === null && this.state) this.current = this.state();
    return this.current!;
  }
  getEvent(): Event {
    if (this.current === null && this.state) this.current = this.state();
    const v = this.current!;
    this.current = null;
    return v;
  }

  private parseStreamStart = (): Event => {
    const t = this.s.getToken();
    this.state = this.parseImplicitDocumentStart;
    return { kind: 'StreamStart', start: t.start, end: t.end };
  };
  private parseImplicitDocumentStart = (): Event => {
    if (!this.s.checkToken(T.DIRECTIVE, T.DOC_START, T.STREAM_END)) {
      this.tagHandles = DEFAULT_TAGS;
      const t = this.s.peekToken();
      this.states.push(this.parseDocumentEnd);
      this.state = this.parseBlockNode;
      return { kind: 'DocumentStart', start: t.start, end: t.start };
    }
    return this.parseDocumentStart();
  };
  private parseDocumentStart = (): Event => {
    while (this.s.checkToken(T.DOC_END)) this.s.getToken();
    if (!this.s.checkToken(T.STREAM_END)) {
      const start = this.s.peekToken().start;
      this.processDirectives();
      if (!this.s.checkToken(T.DOC_START))
        throw marked('parser', null, null, `expected '<document start>', but found ${r(this.s.peekToken().id)}`, this.s.peekToken().start);
      const t = this.s.getToken();
      this.states.push(this.parseDocumentEnd);
      this.state = this.parseDocumentContent;
      return { kind: 'DocumentStart', start, end: t.end };
    }
    const t = this.s.getToken();
    this.state = null;
    return { kind: 'StreamEnd', start: t.start, end: t.end };
  };
  private parseDocumentEnd = (): Event => {
    let t = this.s.peekToken();
    const start = t.start;
    let end = start;
    if (this.s.checkToken(T.DOC_END)) {
      t = this.s.getToken();
      end = t.end;
    }
    this.state = this.parseDocumentStart;
    return { kind: 'DocumentEnd', start, end };
  };
  private parseDocumentContent = (): Event => {
    if (this.s.checkToken(T.DIRECTIVE, T.DOC_START, T.DOC_END, T.STREAM_END)) {
      const ev = this.processEmptyScalar(this.s.peekToken().start);
      this.state = this.states.pop()!;
      return ev;
    }
    return this.parseBlockNode();
  };
  private processDirectives(): void {
    let version: unknown = null;
    this.tagHandles = {};
    while (this.s.checkToken(T.DIRECTIVE)) {
      const t = this.s.getToken();
      if (t.name === 'YAML') {
        if (version !== null) throw marked('parser', null, null, 'found duplicate YAML directive', t.start);
        const [major] = t.value as [number, number];
        if (major !== 1) throw marked('parser', null, null, 'found incompatible YAML document (version 1.* is required)', t.start);
        version = t.value;
      } else if (t.name === 'TAG') {
        const [handle, prefix] = t.value as [string, string];
        if (Object.prototype.hasOwnProperty.call(this.tagHandles, handle)) throw marked('parser', null, null, `duplicate tag handle ${r(handle)}`, t.start);
        this.tagHandles[handle] = prefix;
      }
    }
    for (const k of Object.keys(DEFAULT_TAGS)) if (!(k in this.tagHandles)) this.tagHandles[k] = DEFAULT_TAGS[k];
  }

  private parseBlockNode = (): Event => this.parseNode(true, false);
  private parseFlowNode = (): Event => this.parseNode(false, false);
  private parseBlockNodeOrIndentlessSequence = (): Event => this.parseNode(true, true);

  private parseNode(block: boolean, indentlessSequence: boolean): Event {
    if (this.s.checkToken(T.ALIAS)) {
      const t = this.s.getToken();
      this.state = this.states.pop()!;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
      return { kind: 'Alias', anchor: t.value, start: t.start, end: t.end };
    }
    let anchor: string | null = null;
    let tagTuple: [string | null, string] | null = null;
    let start: Mark | null = null;
    let end: Mark | null = null;
    let tagMark: Mark | null = null;
    if (this.s.checkToken(T.ANCHOR)) {
      const t = this.s.getToken();
      start = t.start;
      end = t.end;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
      anchor = t.value;
      if (this.s.checkToken(T.TAG)) {
        const t2 = this.s.getToken();
        tagMark = t2.start;
        end = t2.end;
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
        tagTuple = t2.value;
      }
    } else if (this.s.checkToken(T.TAG)) {
      const t = this.s.getToken();
      start = tagMark = t.start;
      end = t.end;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
      tagTuple = t.value;
      if (this.s.checkToken(T.ANCHOR)) {
        const t2 = this.s.getToken();
        end = t2.end;
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
        anchor = t2.value;
      }
    }
    let tag: string | null = null;
    if (tagTuple !== null) {
      const [handle, suffix] = tagTuple;
      if (handle !== null) {
        if (!Object.prototype.hasOwnProperty.call(this.tagHandles, handle))
          throw marked('parser', 'while parsing a node', start, `found undefined tag handle ${r(handle)}`, tagMark);
        tag = this.tagHandles[handle] + suffix;
      } else tag = suffix;
    }
    if (start === null) start = end = this.s.peekToken().start;
    const implicit = tag === null || tag === '!';
    if (indentlessSequence && this.s.checkToken(T.BLOCK_ENTRY)) {
      end = this.s.peekToken().end;
      this.state = this.parseIndentlessSequenceEntry;
      return { kind: 'SequenceStart', anchor, tag, implicit, start, end };
    }
    if (this.s.checkToken(T.SCALAR)) {
      const t = this.s.getToken();
      end = t.end;
      let imp: [boolean, boolean];
      if ((t.plain && tag === null) || tag === '!') imp = [true, false];
      else if (tag === null) imp = [false, true];
      else imp = [false, false];
      this.state = this.states.pop()!;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
      return { kind: 'Scalar', anchor, tag, implicit: imp, value: t.value, start, end, style: t.style };
    }
    if (this.s.checkToken(T.FSEQ_START)) {
      end = this.s.peekToken().end;
      this.state = this.parseFlowSequenceFirstEntry;
      return { kind: 'SequenceStart', anchor, tag, implicit, start, end };
    }
    if (this.s.checkToken(T.FMAP_START)) {
      end = this.s.peekToken().end;
      this.state = this.parseFlowMappingFirstKey;
      return { kind: 'MappingStart', anchor, tag, implicit, start, end };
    }
    if (block && this.s.checkToken(T.BSEQ_START)) {
      end = this.s.peekToken().start;
      this.state = this.parseBlockSequenceFirstEntry;
      return { kind: 'SequenceStart', anchor, tag, implicit, start, end };
    }
    if (block && this.s.checkToken(T.BMAP_START)) {
      end = this.s.peekToken().start;
      this.state = this.parseBlockMappingFirstKey;
      return { kind: 'MappingStart', anchor, tag, implicit, start, end };
    }
    if (anchor !== null || tag !== null) {
      this.state = this.states.pop()!;
      return { kind: 'Scalar', anchor, tag, implicit: [implicit, false], value: '', start, end: end!, style: null };
    }
    const t = this.s.peekToken();
    throw marked('parser', `while parsing a ${block ? 'block' : 'flow'} node`, start, `expected the node content, but found ${r(t.id)}`, t.start);
  }

  private parseBlockSequenceFirstEntry = (): Event => {
    this.marks.push(this.s.getToken().start);
    return this.parseBlockSequenceEntry();
  };
  private parseBlockSequenceEntry = (): Event => {
    if (this.s.checkToken(T.BLOCK_ENTRY)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.BLOCK_ENTRY, T.BLOCK_END)) {
        this.states.push(this.parseBlockSequenceEntry);
        return this.parseBlockNode();
      }
      this.state = this.parseBlockSequenceEntry;
      return this.processEmptyScalar(t.end);
    }
    if (!this.s.checkToken(T.BLOCK_END)) {
      const t = this.s.peekToken();
      throw marked('parser', 'while parsing a block collection', this.marks[this.marks.length - 1], `expected <block end>, but found ${r(t.id)}`, t.start);
    }
    const t = this.s.getToken();
    this.state = this.states.pop()!;
    this.marks.pop();
    return { kind: 'SequenceEnd', start: t.start, end: t.end };
  };
  private parseIndentlessSequenceEntry = (): Event => {
    if (this.s.checkToken(T.BLOCK_ENTRY)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.BLOCK_ENTRY, T.KEY, T.VALUE, T.BLOCK_END)) {
        this.states.push(this.parseIndentlessSequenceEntry);
        return this.parseBlockNode();
      }
      this.state = this.parseIndentlessSequenceEntry;
      return this.processEmptyScalar(t.end);
    }
    const t = this.s.peekToken();
    this.state = this.states.pop()!;
    return { kind: 'SequenceEnd', start: t.start, end: t.start };
  };
  private parseBlockMappingFirstKey = (): Event => {
    this.marks.push(this.s.getToken().start);
    return this.parseBlockMappingKey();
  };
  private parseBlockMappingKey = (): Event => {
    if (this.s.checkToken(T.KEY)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.KEY, T.VALUE, T.BLOCK_END)) {
        this.states.push(this.parseBlockMappingValue);
        return this.parseBlockNodeOrIndentlessSequence();
      }
      this.state = this.parseBlockMappingValue;
      return this.processEmptyScalar(t.end);
    }
    if (!this.s.checkToken(T.BLOCK_END)) {
      const t = this.s.peekToken();
      throw marked('parser', 'while parsing a block mapping', this.marks[this.marks.length - 1], `expected <block end>, but found ${r(t.id)}`, t.start);
    }
    const t = this.s.getToken();
    this.state = this.states.pop()!;
    this.marks.pop();
    return { kind: 'MappingEnd', start: t.start, end: t.end };
  };
  private parseBlockMappingValue = (): Event => {
    if (this.s.checkToken(T.VALUE)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.KEY, T.VALUE, T.BLOCK_END)) {
        this.states.push(this.parseBlockMappingKey);
        return this.parseBlockNodeOrIndentlessSequence();
      }
      this.state = this.parseBlockMappingKey;
      return this.processEmptyScalar(t.end);
    }
    this.state = this.parseBlockMappingKey;
    return this.processEmptyScalar(this.s.peekToken().start);
  };
  private parseFlowSequenceFirstEntry = (): Event => {
    this.marks.push(this.s.getToken().start);
    return this.parseFlowSequenceEntryImpl(true);
  };
  private parseFlowSequenceEntry = (): Event => this.parseFlowSequenceEntryImpl(false);
  private parseFlowSequenceEntryImpl(first: boolean): Event {
    if (!this.s.checkToken(T.FSEQ_END)) {
      if (!first) {
        if (this.s.checkToken(T.FLOW_ENTRY)) this.s.getToken();
        else {
          const t = this.s.peekToken();
          throw marked('parser', 'while parsing a flow sequence', this.marks[this.marks.length - 1], `expected ',' or ']', but got ${r(t.id)}`, t.start);
        }
      }
      if (this.s.checkToken(T.KEY)) {
        const t = this.s.peekToken();
        this.state = this.parseFlowSequenceEntryMappingKey;
        return { kind: 'MappingStart', anchor: null, tag: null, implicit: true, start: t.start, end: t.end };
      } else if (!this.s.checkToken(T.FSEQ_END)) {
        this.states.push(this.parseFlowSequenceEntry);
        return this.parseFlowNode();
      }
    }
    const t = this.s.getToken();
    this.state = this.states.pop()!;
    this.marks.pop();
    return { kind: 'SequenceEnd', start: t.start, end: t.end };
  }
  private parseFlowSequenceEntryMappingKey = (): Event => {
    const t = this.s.getToken();
    if (!this.s.checkToken(T.VALUE, T.FLOW_ENTRY, T.FSEQ_END)) {
      this.states.push(this.parseFlowSequenceEntryMappingValue);
      return this.parseFlowNode();
    }
    this.state = this.parseFlowSequenceEntryMappingValue;
    return this.processEmptyScalar(t.end);
  };
  private parseFlowSequenceEntryMappingValue = (): Event => {
    if (this.s.checkToken(T.VALUE)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.FLOW_ENTRY, T.FSEQ_END)) {
        this.states.push(this.parseFlowSequenceEntryMappingEnd);
        return this.parseFlowNode();
      }
      this.state = this.parseFlowSequenceEntryMappingEnd;
      return this.processEmptyScalar(t.end);
    }
    this.state = this.parseFlowSequenceEntryMappingEnd;
    return this.processEmptyScalar(this.s.peekToken().start);
  };
  private parseFlowSequenceEntryMappingEnd = (): Event => {
    this.state = this.parseFlowSequenceEntry;
    const t = this.s.peekToken();
    return { kind: 'MappingEnd', start: t.start, end: t.start };
  };
  private parseFlowMappingFirstKey = (): Event => {
    this.marks.push(this.s.getToken().start);
    return this.parseFlowMappingKeyImpl(true);
  };
  private parseFlowMappingKey = (): Event => this.parseFlowMappingKeyImpl(false);
  private parseFlowMappingKeyImpl(first: boolean): Event {
    if (!this.s.checkToken(T.FMAP_END)) {
      if (!first) {
        if (this.s.checkToken(T.FLOW_ENTRY)) this.s.getToken();
        else {
          const t = this.s.peekToken();
          throw marked('parser', 'while parsing a flow mapping', this.marks[this.marks.length - 1], `expected ',' or '}', but got ${r(t.id)}`, t.start);
        }
      }
      if (this.s.checkToken(T.KEY)) {
        const t = this.s.getToken();
        if (!this.s.checkToken(T.VALUE, T.FLOW_ENTRY, T.FMAP_END)) {
          this.states.push(this.parseFlowMappingValue);
          return this.parseFlowNode();
        }
        this.state = this.parseFlowMappingValue;
        return this.processEmptyScalar(t.end);
      } else if (!this.s.checkToken(T.FMAP_END)) {
        this.states.push(this.parseFlowMappingEmptyValue);
        return this.parseFlowNode();
      }
    }
    const t = this.s.getToken();
    this.state = this.states.pop()!;
    this.marks.pop();
    return { kind: 'MappingEnd', start: t.start, end: t.end };
  }
  private parseFlowMappingValue = (): Event => {
    if (this.s.checkToken(T.VALUE)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.FLOW_ENTRY, T.FMAP_END)) {
        this.states.push(this.parseFlowMappingKey);
        return this.parseFlowNode();
      }
      this.state = this.parseFlowMappingKey;
      return this.processEmptyScalar(t.end);
    }
    this.state = this.parseFlowMappingKey;
    return this.processEmptyScalar(this.s.peekToken().start);
  };
  private parseFlowMappingEmptyValue = (): Event => {
    this.state = this.parseFlowMappingKey;
    return this.processEmptyScalar(this.s.peekToken().start);
  };
  private processEmptyScalar(mark: Mark): Event {
    return { kind: 'Scalar', anchor: null, tag: null, implicit: [true, false], value: '', start: mark, end: mark, style: null };
  }
}
