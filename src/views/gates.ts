import { STALE_SOON_MS } from '../graph/gate-status.ts';
import type { EvidenceView, GateStatus } from '../graph/gate-status.ts';
import type { InventoryGraph } from '../graph/graph.ts';
import { openRisksOn, type WaveReadiness } from '../graph/waves.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import { formatAge } from '../model/time.ts';

export interface EvidenceFreshness {
  observedAt: string;
  age: string;
  /** "expires in 12 d", "expired 3 d ago", or "no max age". */
  freshness: string;
  expired: boolean;
}

export function evidenceFreshness(view: EvidenceView, now: number): EvidenceFreshness {
  const expired = view.expiresAtMs !== undefined && view.expiresAtMs <= now;
  const freshness =
    view.expiresAtMs === undefined
      ? 'no max age'
      : expired
        ? `expired ${formatAge(now - view.expiresAtMs)} ago`
        : `expires in ${formatAge(view.expiresAtMs - now)}`;
  return { observedAt: view.evidence.observedAt, age: formatAge(view.ageMs), freshness, expired };
}

/** When a passed gate turns stale: "goes stale on 2026-07-08 (in 7 d)"; undefined when it is not passed or nothing it counts expires. */
export function staleOn(status: Pick<GateStatus, 'effective' | 'staleAtMs'>, now: number): string | undefined {
  if (status.effective !== 'passed' || status.staleAtMs === undefined) return undefined;
  return `goes stale on ${new Date(status.staleAtMs).toISOString().slice(0, 10)} (in ${formatAge(status.staleAtMs - now)})`;
}

/** Passed gates whose evidence expires within 7 days, soonest first (the home page list; validate's gate-going-stale notice). */
export function gatesGoingStale(graph: InventoryGraph): GateStatus[] {
  return [...graph.gateStatuses().values()]
    .filter((s) => s.effective === 'passed' && s.staleAtMs !== undefined && s.staleAtMs - graph.now <= STALE_SOON_MS)
    .sort((a, b) => a.staleAtMs! - b.staleAtMs!);
}

/** The record states another status than its evidence makes it: pages show the stated one beside the effective one. */
export const statedDisagrees = (status: GateStatus): boolean => status.stated !== status.effective;

export interface GateRow {
  gate: InventoryRecord<'readiness-gate'>;
  status: GateStatus;
  blockingRisks: InventoryRecord<'risk'>[];
}

export function gateRows(graph: InventoryGraph, gates: readonly InventoryRecord<'readiness-gate'>[]): GateRow[] {
  return gates.map((gate) => {
    const status = graph.gateStatus(gate.id)!;
    return {
      gate,
      status,
      blockingRisks: openRisksOn(graph, new Set([gate.id])),
    };
  });
}

/** "3/7 gates passed" — the line reviewers and the home page both show. */
export function waveSummary(wave: WaveReadiness): string {
  return `${wave.counts.passed}/${wave.gates.length} gates passed`;
}

export function waveTitle(graph: InventoryGraph, wave: WaveReadiness): string {
  const name = (id: string) => graph.get(id)?.data.title ?? id;
  return `${name(wave.wave.data.from)} → ${name(wave.wave.data.to)}`;
}
