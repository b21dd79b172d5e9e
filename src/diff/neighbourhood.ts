import type { InventoryGraph } from '../graph/graph.ts';
import { topologyMermaid, topologyOf, type NodeMark, type Topology } from '../views/topology.ts';
import type { ChangeSet } from '../output/diff-report.ts';

/** Diagrams in a PR comment stay small: the changed records and what touches them. */
export const MAX_NEIGHBOURHOOD_NODES = 60;

function neighbours(graph: InventoryGraph, ids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const id of ids) {
    if (!graph.has(id)) continue;
    out.add(id);
    for (const r of graph.outgoing(id)) out.add(r.to);
    for (const r of graph.incoming(id)) out.add(r.from);
  }
  return out;
}

/**
 * The changed neighbourhood as mermaid, from the same topology view as the
 * site: head records (added and changed ones marked) with their neighbours,
 * plus the removed ones as they were in the base. Undefined when no changed
 * record is part of the topology (e.g. only a risk changed).
 */
export function neighbourhoodMermaid(changes: ChangeSet, base: InventoryGraph, head: InventoryGraph): string | undefined {
  const marks = new Map<string, NodeMark>();
  for (const r of changes.records) marks.set(r.id, r.status === 'added' ? 'added' : r.status === 'removed' ? 'removed' : 'changed');
  // A gate or risk is not drawn; what it concerns is, with its marker.
  const touched = changes.records.map((r) => r.id).concat(changes.gates.map((g) => g.id));
  const removed = changes.records.filter((r) => r.status === 'removed').map((r) => r.id);
  const aroundRemoved = neighbours(base, removed);
  // What a removed record hung from is still drawn, so the reviewer sees where it was.
  const headOnly = new Set([...neighbours(head, touched), ...[...aroundRemoved].filter((id) => head.has(id))]);
  const headPart = topologyOf(head, { only: headOnly, marks, maxNodes: MAX_NEIGHBOURHOOD_NODES });
  const basePart = topologyOf(base, { only: aroundRemoved, marks, maxNodes: MAX_NEIGHBOURHOOD_NODES });
  const onHead = new Set(headPart.nodes.map((n) => n.id));
  const fromBase = new Set(removed);
  const merged: Topology = {
    nodes: [...headPart.nodes, ...basePart.nodes.filter((n) => fromBase.has(n.id))],
    edges: [
      ...headPart.edges,
      ...basePart.edges.filter((e) => (fromBase.has(e.from) || fromBase.has(e.to)) && (onHead.has(e.from) || fromBase.has(e.from)) && (onHead.has(e.to) || fromBase.has(e.to))),
    ],
    omitted: headPart.omitted,
  };
  if (merged.nodes.length === 0) return undefined;
  return topologyMermaid(merged, head, { direction: 'LR' });
}
