import type { InventoryGraph } from '../graph/graph.ts';
import { impactOf, type ImpactDirection, type ImpactSide } from '../graph/impact.ts';
import { KIND_LAYOUTS, type Kind } from '../model/kinds.ts';

/** Entries listed per side on a record page: enough to act on, and the page stays under its size budget. */
export const PAGE_IMPACT_LIMIT = 12;

/** A record on a chain: the record the page is about, the listed entry, or one between them. */
export interface ChainNode {
  id: string;
  title: string;
  role: 'self' | 'entry' | 'between';
}

export interface ImpactItem {
  id: string;
  kind: Kind;
  /**
   * The chain between the record and the entry, each link pointing from the
   * dependent to what it needs and named from the dependent ("runs on"):
   * downstream it starts at the entry and ends at the record, upstream the
   * other way round.
   */
  start: ChainNode;
  links: Array<{ phrase: string; to: ChainNode }>;
}

export interface ImpactListing {
  direction: ImpactDirection;
  count: number;
  /** "4 services, 2 endpoints, 1 readiness gate". */
  summary: string;
  items: ImpactItem[];
  /** Reached but not listed. */
  more: number;
}

/** "4 services, 1 backup set", in the kinds' usual order. */
export function kindCountText(byKind: Partial<Record<Kind, number>>): string {
  return KIND_LAYOUTS.filter((l) => byKind[l.kind])
    .map((l) => {
      const n = byKind[l.kind]!;
      return `${n} ${n === 1 ? l.kind.replace(/-/g, ' ') : l.plural.toLowerCase()}`;
    })
    .join(', ');
}

export function impactListing(side: ImpactSide, direction: ImpactDirection, graph: InventoryGraph): ImpactListing {
  const node = (id: string, role: ChainNode['role']): ChainNode => ({ id, title: graph.get(id)?.data.title ?? id, role });
  const items = side.entries.map((entry): ImpactItem => {
    const steps = entry.path;
    const roleOf = (i: number) => (i === steps.length - 1 ? 'entry' : 'between');
    if (direction === 'upstream') {
      // record —p1→ s1 —p2→ … —pn→ entry: each step's phrase is said by the record before it.
      return { id: entry.id, kind: entry.kind, start: node(entry.from, 'self'), links: steps.map((s, i) => ({ phrase: s.phrase, to: node(s.id, roleOf(i)) })) };
    }
    // entry —pn→ s(n-1) —…→ s1 —p1→ record: each step's phrase is said by the step itself.
    const links = steps.map((s, i) => ({ phrase: s.phrase, to: i === 0 ? node(entry.from, 'self') : node(steps[i - 1]!.id, 'between') })).reverse();
    return { id: entry.id, kind: entry.kind, start: node(entry.id, 'entry'), links };
  });
  return { direction, count: side.count, summary: kindCountText(side.byKind), items, more: side.count - items.length };
}

/** Both sides of a record, as its page lists them. */
export function recordImpact(graph: InventoryGraph, id: string, limit = PAGE_IMPACT_LIMIT): Record<ImpactDirection, ImpactListing> {
  return {
    downstream: impactListing(impactOf(graph, id, 'downstream', { limit }), 'downstream', graph),
    upstream: impactListing(impactOf(graph, id, 'upstream', { limit }), 'upstream', graph),
  };
}
