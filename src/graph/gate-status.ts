import type { Evidence } from '../model/evidence.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import type { Requirement } from '../model/schemas.ts';
import { durationMs, toEpochMs } from '../model/time.ts';
import { latestBackupEvidence } from './backup-evidence.ts';

/** A passed gate whose evidence expires within this window is "going stale" (home page, validate). */
export const STALE_SOON_MS = 7 * 86_400_000;

export type EffectiveStatus = 'passed' | 'failed' | 'stale' | 'pending';
export type RequirementState = 'met' | 'failing' | 'stale' | 'missing';

export interface EvidenceView {
  evidence: Evidence;
  /** The record the evidence is written in (the gate, a linked endpoint, or a backup set of a linked store). */
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
  /** The evidence that decides the state: the latest that counts (for a store, see `storeRequirement`). */
  latest?: EvidenceView;
  /** The records the requirement takes evidence from: the gate, and its endpoint or its store's backup sets. */
  evidenceFrom: string[];
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

/** What a gate's requirements read beyond the gate itself; the graph answers. */
export interface EvidenceSources {
  endpointEvidence(endpointId: string): readonly Evidence[];
  /** The live backup sets of a live persistent store (backup coverage); empty for anything else. */
  backupSetsOf(storeId: string): readonly InventoryRecord<'backup-set'>[];
}

/** Worst first: the order in which states decide a gate, and a store requirement's two pieces of evidence. */
const PRECEDENCE: readonly RequirementState[] = ['failing', 'missing', 'stale', 'met'];

/**
 * A gate is passed only when every requirement has fresh passing evidence.
 * Failing evidence fails it; missing evidence leaves it pending; expired
 * evidence makes it stale. Evidence observed after `now` is not counted.
 */
export function deriveGateStatus(gate: InventoryRecord<'readiness-gate'>, sources: EvidenceSources, now: number): GateStatus {
  const requirements = (gate.data.requires ?? []).map((req): RequirementStatus => {
    const base = { name: req.name, description: req.description };
    if (req.store !== undefined) return { ...base, ...storeRequirement(req, sources.backupSetsOf(req.store), now) };
    const endpointItems = req.endpoint === undefined ? [] : sources.endpointEvidence(req.endpoint).filter((e) => req.collector === undefined || e.source.probe === req.collector);
    const candidates: EvidenceView[] = [
      ...(gate.data.evidence ?? []).filter((e) => e.requirement === req.name).map((e) => evidenceView(e, gate.id, req.maxAge, now)),
      ...endpointItems.map((e) => evidenceView(e, req.endpoint!, req.maxAge, now)),
    ].filter((v) => v.observedAtMs <= now);
    const latest = candidates.sort((a, b) => b.observedAtMs - a.observedAtMs)[0];
    const evidenceFrom = req.endpoint === undefined ? [gate.id] : [gate.id, req.endpoint];
    return latest ? { ...base, state: stateOf(latest, now), latest, evidenceFrom } : { ...base, state: 'missing', evidenceFrom };
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

function stateOf(view: EvidenceView, now: number): RequirementState {
  if (view.evidence.result === 'fail') return 'failing';
  return view.expiresAtMs !== undefined && view.expiresAtMs <= now ? 'stale' : 'met';
}

/**
 * A store requirement needs both the latest verified backup and the latest
 * restore test over the store's backup sets (as backup coverage counts them)
 * to pass and be fresh. The worse of the two decides, and is the evidence
 * shown: a failing one, else a stale one, else (both met) the one that expires
 * first, which is when the requirement goes stale. With either missing it is
 * missing, unless the other failed.
 */
function storeRequirement(req: Requirement, sets: readonly InventoryRecord<'backup-set'>[], now: number): Omit<RequirementStatus, 'name' | 'description'> {
  const evidenceFrom = sets.map((s) => s.id);
  const pieces = (['lastVerifiedBackup', 'lastRestoreTest'] as const).map((field) => {
    const held = latestBackupEvidence(sets, field, now);
    const view = held && evidenceView(held.evidence, held.recordId, req.maxAge, now);
    return { state: view ? stateOf(view, now) : ('missing' as const), view };
  });
  const expiry = (p: (typeof pieces)[number]) => p.view?.expiresAtMs ?? Infinity;
  const decisive = pieces.sort((a, b) => PRECEDENCE.indexOf(a.state) - PRECEDENCE.indexOf(b.state) || expiry(a) - expiry(b))[0]!;
  return { state: decisive.state, ...(decisive.view ? { latest: decisive.view } : {}), evidenceFrom };
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
