import type { InventoryGraph } from '../graph/graph.ts';
import { impactOf, type ImpactEntry } from '../graph/impact.ts';
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
  const reached = new Map<string, ImpactEntry>();
  // Most changes remove nothing: the base then has no walk to do.
  const fromBase = goneFromHead.length > 0 ? impactOf(base, goneFromHead, 'downstream').entries : [];
  for (const entry of [...impactOf(head, inHead, 'downstream').entries, ...fromBase]) {
    if (!changed.has(entry.id) && !reached.has(entry.id)) reached.set(entry.id, entry);
  }

  const byKind: Partial<Record<Kind, number>> = {};
  for (const entry of reached.values()) byKind[entry.kind] = (byKind[entry.kind] ?? 0) + 1;
  const titled = (id: string) => ({ id, title: (head.get(id) ?? base.get(id))!.data.title });
  const touched = (kind: Kind) =>
    [...new Set([...records.filter((r) => r.kind === kind).map((r) => r.id), ...[...reached.values()].filter((e) => e.kind === kind).map((e) => e.id)])]
      .sort()
      .map(titled);
  return {
    count: reached.size,
    byKind,
    gates: touched('readiness-gate'),
    waves: touched('migration-wave'),
    records: [...reached.values()].sort((a, b) => a.path.length - b.path.length).slice(0, MAX_IMPACT_RECORDS),
  };
}
