import type { InventoryRecord } from '../load/model-inventory.ts';
import type { Kind } from '../model/kinds.ts';
import type { GateStatus } from './gate-status.ts';

/**
 * What the derived facts (backup coverage, wave readiness) ask of the graph.
 * InventoryGraph implements it; the derivations take it as an argument, so
 * they never import graph.ts, which imports them.
 */
export interface GraphQueries {
  /** The moment evidence ages against. */
  readonly now: number;
  byKind<K extends Kind>(kind: K): InventoryRecord<K>[];
  /** Records of a kind that point at `id`, optionally through one field. */
  referrers<K extends Kind>(id: string, kind: K, field?: string): InventoryRecord<K>[];
  gateStatus(id: string): GateStatus | undefined;
}
