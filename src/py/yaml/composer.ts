// Follows PyYAML 6.0's (MIT licensed) composer algorithm and error texts.
/** Events → a node graph, anchors and aliases resolved. */
import { marked, r } from './error';
import type { YNode } from './nodes';
import type { Parser } from './parser';
import { resolveScalar, Y } from './resolver';

export class Composer {
  private anchors = new Map<string, YNode>();
  constructor(private readonly p: Parser) {}

  getSingleNode(): YNode | null {
    this.p.getEvent();
    let document: YNode | null = null;
    if (!this.p.checkEvent('StreamEnd')) document = this.composeDocument();
    if (!this.p.checkEvent('StreamEnd')) {
      const ev = this.p.getEvent();
      throw marked('composer', 'expected a single document in the stream', document!.start, 'but found another document', ev.start);
    }
    this.p.getEvent();
    return document;
  }
  private composeDocument(): YNode {
    this.p.getEvent();
    const node = this.composeNode();
    this.p.getEvent();
    this.anchors = new Map();
    return node;
  }
  private composeNode(): YNode {
    if (this.p.checkEvent('Alias')) {
      const ev = this.p.getEvent();
      const node = this.anchors.get(ev.anchor!);
      if (!node) throw marked('composer', null, null, `found undefined alias ${r(ev.anchor!)}`, ev.start);
      return node;
    }
    const ev = this.p.peekEvent();
    const anchor = ev.anchor ?? null;
    if (anchor !== null && this.anchors.has(anchor))
      throw marked('composer', `found duplicate anchor ${r(anchor)}; first occurrence`, this.anchors.get(anchor)!.start, 'second occurrence', ev.start);
    if (ev.kind === 'Scalar') {
      this.p.getEvent();
      let tag = ev.tag ?? null;
      if (tag === null || tag === '!') tag = resolveScalar(ev.value!, ev.implicit as [boolean, boolean]);
      const node: YNode = { id: 'scalar', tag, value: ev.value!, start: ev.start, end: ev.end };
      if (anchor !== null) this.anchors.set(anchor, node);
      return node;
    }
    if (ev.kind === 'SequenceStart') {
      this.p.getEvent();
      let tag = ev.tag ?? null;
      if (tag === null || tag === '!') tag = Y + 'seq';
      const node: YNode = { id: 'sequence', tag, value: [], start: ev.start, end: ev.end };
      if (anchor !== null) this.anchors.set(anchor, node);
      while (!this.p.checkEvent('SequenceEnd')) node.value.push(this.composeNode());
      node.end = this.p.getEvent().end;
      return node;
    }
    // MappingStart
    this.p.getEvent();
    let tag = ev.tag ?? null;
    if (tag === null || tag === '!') tag = Y + 'map';
    const node: YNode = { id: 'mapping', tag, value: [], start: ev.start, end: ev.end };
    if (anchor !== null) this.anchors.set(anchor, node);
    while (!this.p.checkEvent('MappingEnd')) {
      const k = this.composeNode();
      const v = this.composeNode();
      node.value.push([k, v]);
    }
    node.end = this.p.getEvent().end;
    return node;
  }
}
