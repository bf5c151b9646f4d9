/**
 * How the tree lays out a device's children, as PyDM's Debug Tree does:
 * variables first, then commands, then child devices (each kind in tree
 * order), and the nodes that name a `guiGroup` gathered under one
 * collapsible group row, placed where its first member would have been.
 * Pure functions shared by the gateway and the page (no Node or DOM imports).
 */
import type { Row } from './protocol';

const RANK = { variable: 0, command: 1, device: 2 } as const;

/** Variables, then commands, then devices; tree order within each kind. */
export function orderRows(rows: readonly Row[]): Row[] {
  // Array.prototype.sort is stable: the tree order holds within a kind.
  return [...rows].sort((a, b) => RANK[a.kind] - RANK[b.kind]);
}

/** One line under a device: a node of its own, or a group row holding its members. */
export type Entry = { group: null; row: Row } | { group: string; key: string; rows: Row[] };

/**
 * The key of a group row under a device: '<device path>/<group>' ('/' never
 * appears in a node path, so a key never names a node).
 */
export function groupKey(parent: string, group: string): string {
  return `${parent}/${group}`;
}

/** Rows (already ordered) as the lines under `parent`: nodes with a guiGroup go into their group's entry. */
export function groupRows(parent: string, rows: readonly Row[]): Entry[] {
  const out: Entry[] = [];
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const g = row.guiGroup;
    if (g === null || g === '') {
      out.push({ group: null, row });
      continue;
    }
    let members = groups.get(g);
    if (!members) {
      members = [];
      groups.set(g, members);
      out.push({ group: g, key: groupKey(parent, g), rows: members });
    }
    members.push(row);
  }
  return out;
}
