import type { InventoryGraph } from '../graph/graph.ts';
import { probeBootstrapGate, type GateVerdict } from '../interhub/gate-probe.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import { routePath } from '../interhub/wire/routes.ts';

/**
 * The gate the Inter-Hub bootstrap probe decides (OPS-WP-0002 T03) and the
 * requirement its verdict is recorded against. The other requirement of that
 * gate ("GET /api/v2/hubs answers 401") names the inter-hub-hubs endpoint, so
 * the endpoint probe of that same URL in the same run already feeds it;
 * recording it twice would only duplicate one observation. The OpenAPI check
 * has no endpoint of its own, so its evidence lands on the gate.
 */
export const BOOTSTRAP_GATE = { id: 'inter-hub-production-api', requirement: 'openapi-lists-bootstrap-paths' } as const;

export interface GateObservation {
  gateId: string;
  requirement: string;
  /** The OpenAPI document the requirement speaks of, without query or credentials. */
  url: string;
  verdict: GateVerdict;
  /** The OpenAPI answered and lists every bootstrap path. */
  matched: boolean;
  summary: string;
}

/** The bootstrap gate when this inventory has it with the requirement the probe feeds. */
export function bootstrapGateOf(graph: InventoryGraph): InventoryRecord<'readiness-gate'> | undefined {
  const gate = graph.get(BOOTSTRAP_GATE.id);
  if (gate?.kind !== 'readiness-gate') return undefined;
  return (gate.data.requires ?? []).some((r) => r.name === BOOTSTRAP_GATE.requirement) ? gate : undefined;
}

/** Where the gate's Inter-Hub lives: the origin of the endpoint one of its requirements names. */
export function defaultGateBase(graph: InventoryGraph, gate: InventoryRecord<'readiness-gate'>): string | undefined {
  for (const req of gate.data.requires ?? []) {
    const endpoint = req.endpoint ? graph.get(req.endpoint) : undefined;
    if (endpoint?.kind === 'endpoint') return new URL(endpoint.data.url).origin;
  }
  return undefined;
}

export async function probeGate(gateId: string, base: string, options: { timeoutMs: number; now: Date }): Promise<GateObservation> {
  const verdict = await probeBootstrapGate(base, { timeoutMs: options.timeoutMs, now: () => options.now });
  return {
    gateId,
    requirement: BOOTSTRAP_GATE.requirement,
    url: `${verdict.base}${routePath('openapi')}`,
    verdict,
    // The verdict covers both gate criteria; only the OpenAPI half is this requirement's.
    matched: verdict.openapi === 'lists-bootstrap-paths',
    summary: `gate ${verdict.status}: ${verdict.reasons.join('; ')}`,
  };
}
