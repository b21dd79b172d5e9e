import type { Evidence } from '../model/evidence.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import { durationMs, toEpochMs } from '../model/time.ts';

/** A passed gate whose evidence expires within this window is "going stale" (home page, validate). */
export const STALE_SOON_MS = 7 * 86_400_000;

export type EffectiveStatus = 'passed' | 'failed' | 'stale' | 'pending';
export type RequirementState = 'met' | 'failing' | 'stale' | 'missing';

export interface EvidenceView {
  evidence: Evidence;
  /** The record the evidence is written in (the gate, or a linked endpoint). */
  recordId: string;
  observedAtMs: number;
  ageMs: number;
  /** When it stops counting; undefined when it has no max age. */
  expiresAtMs?: number;
}

export interface RequirementStatus {
  name: string;
  description: string;
  state: RequirementState;
  /** The latest evidence that counts for this requirement. */
  latest?: EvidenceView;
}

export interface GateStatus {
  gateId: string;
  stated: 'pending' | 'passed' | 'failed';
  effective: EffectiveStatus;
  requirements: RequirementStatus[];
  /** Earliest moment a currently met requirement expires. */
  staleAtMs?: number;
  reason: string;
}

/**
 * A gate is passed only when every requirement has fresh passing evidence.
 * Failing evidence fails it; missing evidence leaves it pending; expired
 * evidence makes it stale. Evidence observed after `now` is not counted.
 */
export function deriveGateStatus(
  gate: InventoryRecord<'readiness-gate'>,
  endpointEvidence: (endpointId: string) => readonly Evidence[],
  now: number,
): GateStatus {
  const requirements = (gate.data.requires ?? []).map((req): RequirementStatus => {
    const candidates: EvidenceView[] = [
      ...(gate.data.evidence ?? []).filter((e) => e.requirement === req.name).map((e) => evidenceView(e, gate.id, req.maxAge, now)),
      ...(req.endpoint ? endpointEvidence(req.endpoint).map((e) => evidenceView(e, req.endpoint!, req.maxAge, now)) : []),
    ].filter((v) => v.observedAtMs <= now);
    const latest = candidates.sort((a, b) => b.observedAtMs - a.observedAtMs)[0];
    const base = { name: req.name, description: req.description };
    if (!latest) return { ...base, state: 'missing' };
    const state: RequirementState =
      latest.evidence.result === 'fail'
        ? 'failing'
        : latest.expiresAtMs !== undefined && latest.expiresAtMs <= now
          ? 'stale'
          : 'met';
    return { ...base, state, latest };
  });

  const count = (s: RequirementState) => requirements.filter((r) => r.state === s).length;
  let effective: EffectiveStatus;
  let reason: string;
  if (requirements.length === 0) {
    effective = 'pending';
    reason = 'no evidence requirements declared';
  } else if (count('failing') > 0) {
    effective = 'failed';
    reason = `${count('failing')} requirement(s) have failing evidence`;
  } else if (count('missing') > 0) {
    effective = 'pending';
    reason = `${count('missing')} of ${requirements.length} requirement(s) lack evidence`;
  } else if (count('stale') > 0) {
    effective = 'stale';
    reason = `${count('stale')} requirement(s) have evidence past its max age`;
  } else {
    effective = 'passed';
    reason = `all ${requirements.length} requirement(s) have fresh passing evidence`;
  }
  const expiries = requirements
    .filter((r) => r.state === 'met' && r.latest?.expiresAtMs !== undefined)
    .map((r) => r.latest!.expiresAtMs!);
  return {
    gateId: gate.id,
    stated: gate.data.status,
    effective,
    requirements,
    ...(expiries.length > 0 ? { staleAtMs: Math.min(...expiries) } : {}),
    reason,
  };
}

/** How old a piece of evidence is at `now`, and when it stops counting. */
export function evidenceView(evidence: Evidence, recordId: string, defaultMaxAge: string | undefined, now: number): EvidenceView {
  const observedAtMs = toEpochMs(evidence.observedAt);
  const maxAge = evidence.maxAge ?? defaultMaxAge;
  return {
    evidence,
    recordId,
    observedAtMs,
    ageMs: now - observedAtMs,
    ...(maxAge ? { expiresAtMs: observedAtMs + durationMs(maxAge) } : {}),
  };
}
