import type { Evidence } from '../model/evidence.ts';
import type { GateObservation } from './bootstrap-gate.ts';
import type { EndpointObservation } from './probe-endpoint.ts';

export interface EvidenceStamp {
  /** ISO date-time to the second, e.g. 2026-07-01T06:00:00Z. */
  observedAt: string;
  maxAge: string;
}

/**
 * An endpoint observation as an evidence item. `observed` carries what sync
 * turns into ops-endpoint-verified facts: status, headersMatched, latencyMs,
 * certExpiresAt (and on failure headersMissing or error).
 */
export function endpointEvidence(o: EndpointObservation, stamp: EvidenceStamp): Evidence {
  return {
    result: o.matched ? 'pass' : 'fail',
    observedAt: stamp.observedAt,
    maxAge: stamp.maxAge,
    summary: `${o.method} ${o.summary}`,
    source: { probe: 'probe', url: o.url },
    observed: {
      ...(o.status !== undefined ? { status: o.status } : {}),
      ...(o.headersMatched.length > 0 ? { headersMatched: o.headersMatched } : {}),
      ...(o.headersMissing.length > 0 ? { headersMissing: o.headersMissing } : {}),
      ...(o.latencyMs !== undefined ? { latencyMs: o.latencyMs } : {}),
      ...(o.certExpiresAt ? { certExpiresAt: o.certExpiresAt } : {}),
      ...(o.error ? { error: o.error } : {}),
    },
  };
}

/** The bootstrap gate verdict as evidence for the gate requirement it speaks to. */
export function gateEvidence(o: GateObservation, stamp: EvidenceStamp): Evidence {
  return {
    requirement: o.requirement,
    result: o.matched ? 'pass' : 'fail',
    observedAt: stamp.observedAt,
    maxAge: stamp.maxAge,
    summary: o.summary,
    source: { probe: 'probe', url: o.url },
    observed: {
      gate: o.verdict.status,
      ...(o.verdict.hubsStatus !== undefined ? { hubsStatus: o.verdict.hubsStatus } : {}),
      ...(o.verdict.missingPaths.length > 0 ? { missingPaths: o.verdict.missingPaths } : {}),
    },
  };
}
