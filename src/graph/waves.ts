import type { InventoryRecord } from '../load/model-inventory.ts';
import type { EffectiveStatus, GateStatus } from './gate-status.ts';
import type { GraphQueries } from './graph-queries.ts';

export type WaveVerdict = 'ready' | 'blocked' | 'not-ready';

export interface WaveReadiness {
  wave: InventoryRecord<'migration-wave'>;
  gates: Array<{ gate: InventoryRecord<'readiness-gate'>; status: GateStatus }>;
  counts: Record<EffectiveStatus, number>;
  /** Open (raised) risks on the wave or one of its gates. */
  blockingRisks: InventoryRecord<'risk'>[];
  verdict: WaveVerdict;
  reason: string;
}

/** Risks that block a wave: still raised, and about the wave or one of its gates. */
export function openRisksOn(graph: GraphQueries, ids: ReadonlySet<string>): InventoryRecord<'risk'>[] {
  return graph.byKind('risk').filter((r) => r.data.status === 'raised' && r.data.affects.some((id) => ids.has(id)));
}

export function deriveWaveReadiness(graph: GraphQueries): WaveReadiness[] {
  return graph.byKind('migration-wave').map((wave) => {
    const gates = graph
      .referrers(wave.id, 'readiness-gate', 'wave')
      .map((gate) => ({ gate, status: graph.gateStatus(gate.id)! }));
    const counts: Record<EffectiveStatus, number> = { passed: 0, failed: 0, stale: 0, pending: 0 };
    for (const g of gates) counts[g.status.effective]++;
    const blockingRisks = openRisksOn(graph, new Set([wave.id, ...gates.map((g) => g.gate.id)]));
    let verdict: WaveVerdict;
    let reason: string;
    if (gates.length === 0) {
      verdict = 'not-ready';
      reason = 'no readiness gates are attached to this wave';
    } else if (counts.failed > 0 || blockingRisks.length > 0) {
      verdict = 'blocked';
      reason = [
        counts.failed > 0 ? `${counts.failed} gate(s) failed` : '',
        blockingRisks.length > 0 ? `${blockingRisks.length} open risk(s)` : '',
      ]
        .filter(Boolean)
        .join(', ');
    } else if (counts.passed === gates.length) {
      verdict = 'ready';
      reason = `all ${gates.length} gates passed and no open risks`;
    } else {
      verdict = 'not-ready';
      reason = `${counts.passed}/${gates.length} gates passed`;
    }
    return { wave, gates, counts, blockingRisks, verdict, reason };
  });
}
