import type { InventoryGraph } from '../graph/graph.ts';
import { walkImpact, type ImpactWalk } from '../graph/impact.ts';
import type { Kind } from '../model/kinds.ts';
import type { ChangeImpact, RecordChange } from '../output/diff-report.ts';

/** Downstream records listed with their paths; a large change is counted in full but listed in part. */
export const MAX_IMPACT_RECORDS = 50;

/**
 * What depends on a change: everything downstream of the records it adds,
 * changes, renames or moves (in the head), and of those it removes or
 * renames away (in the base, where they still have dependents). The gates and
 * waves it touches are the changed ones and those downstream; a gate changes
 * status only through its own record or the evidence it takes, both upstream
 * of it, so every gate transition is among them.
 */
export function changeImpact(records: readonly RecordChange[], base: InventoryGraph, head: InventoryGraph): ChangeImpact {
  const changed = new Set(records.flatMap((r) => [r.id, ...(r.before ? [r.before.id] : [])]));
  const inHead = records.filter((r) => r.status !== 'removed').map((r) => r.id);
  const goneFromHead = records.flatMap((r) => (r.status === 'removed' ? [r.id] : r.status === 'renamed' ? [r.before!.id] : []));
  // Each record reached once, by the head's walk first; the base walks only when the change removes something.
  const walks: Array<[ImpactWalk, InventoryGraph]> = [[walkImpact(head, inHead, 'downstream'), head]];
  if (goneFromHead.length > 0) walks.push([walkImpact(base, goneFromHead, 'downstream'), base]);
  const reached = new Map<string, { walk: ImpactWalk; kind: Kind }>();
  for (const [walk, graph] of walks) {
    for (const id of walk.order) if (!changed.has(id) && !reached.has(id)) reached.set(id, { walk, kind: graph.get(id)!.kind });
  }

  const byKind: Partial<Record<Kind, number>> = {};
  for (const { kind } of reached.values()) byKind[kind] = (byKind[kind] ?? 0) + 1;
  const titled = (id: string) => ({ id, title: (head.get(id) ?? base.get(id))!.data.title });
  const touched = (kind: Kind) =>
    [...new Set([...records.filter((r) => r.kind === kind).map((r) => r.id), ...[...reached].filter(([, r]) => r.kind === kind).map(([id]) => id)])]
      .sort()
      .map(titled);
  // Nearest first (a stable sort keeps the walks' order among equals); paths only for the records listed.
  const nearest = [...reached]
    .map(([id, { walk }]) => ({ id, walk, depth: walk.depth(id) }))
    .sort((a, b) => a.depth - b.depth)
    .slice(0, MAX_IMPACT_RECORDS);
  return {
    count: reached.size,
    byKind,
    gates: touched('readiness-gate'),
    waves: touched('migration-wave'),
    records: nearest.map(({ id, walk }) => walk.entry(id)),
  };
}
