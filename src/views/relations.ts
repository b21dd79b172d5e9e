import type { InventoryGraph, Relation } from '../graph/graph.ts';
import type { Kind } from '../model/kinds.ts';

export interface RelationGroup {
  /** "dependsOn", or for incoming "services · datastores" (the kind and field pointing here). */
  label: string;
  ids: string[];
}

function group(relations: readonly Relation[], labelOf: (r: Relation) => string, idOf: (r: Relation) => string): RelationGroup[] {
  const groups = new Map<string, Set<string>>();
  for (const r of relations) {
    const label = labelOf(r);
    if (!groups.has(label)) groups.set(label, new Set());
    groups.get(label)!.add(idOf(r));
  }
  return [...groups].map(([label, ids]) => ({ label, ids: [...ids] }));
}

/** What a record points to, by field. */
export function outgoingGroups(graph: InventoryGraph, id: string): RelationGroup[] {
  return group(graph.outgoing(id), (r) => r.field, (r) => r.to);
}

/** What points to a record, by the pointing kind and field. */
export function incomingGroups(graph: InventoryGraph, id: string): RelationGroup[] {
  return group(graph.incoming(id), (r) => `${graph.get(r.from)!.kind} · ${r.field}`, (r) => r.from);
}

/** Records of a kind that point at `id`, by any field. */
export function concerning(graph: InventoryGraph, id: string, kind: Kind): string[] {
  return graph.referrers(id, kind).map((r) => r.id);
}
