import type { InventoryGraph } from '../graph/graph.ts';
import type { Evidence } from '../model/evidence.ts';
import type { EvidencePlan } from '../probe/evidence-plan.ts';
import type { SkippedEvidence } from './evidence.ts';
import { FINDING_CODES, type DriftResult, type Finding, type FindingCode } from './findings.ts';
import type { ObjectRef, Snapshot } from './snapshot.ts';
import type { Suggestions } from './suggest.ts';

/**
 * The machine-readable result of a run (`--format json`, `--report FILE`),
 * documented in README "Discovery". Stable: fields are only added; a change
 * of meaning bumps `version`. Non-secret: names, counts and the evidence
 * written, never an object's data.
 */
export interface DiscoverReport {
  version: 1;
  /** The cluster record the snapshot belongs to. */
  cluster: string;
  /** The moment of the run (`--now`), ISO to the second. */
  observedAt: string;
  /** True when there is no finding; the command exits 1 otherwise. */
  ok: boolean;
  /** Whether the evidence was written (`--write`). */
  written: boolean;
  snapshot: {
    /** Snapshot files, or `kubectl --context NAME`. */
    sources: string[];
    /** Objects read, by `apiVersion kind`. */
    read: Record<string, number>;
    /** Objects of other kinds, counted, never read (Secrets and ConfigMaps among them). */
    ignored: Record<string, number>;
    /** Resources the cluster does not serve (kubectl only). */
    unserved: string[];
  };
  counts: {
    findings: number;
    byCode: Partial<Record<FindingCode, number>>;
    evidence: number;
    skipped: number;
    drafts: number;
  };
  findings: Finding[];
  /** Evidence edits: written with `written`, proposed otherwise. */
  evidence: EvidenceEdit[];
  /** Evidence not written, and why. */
  skipped: SkippedEvidence[];
  /** Draft records, with `--suggest DIR`. */
  suggestions?: {
    dir: string;
    drafts: Array<{ file: string; kind: string; id: string; from: ObjectRef; host?: string }>;
    notDrafted: Array<{ subject: string; reason: string }>;
  };
  /** Gates that count the endpoints given evidence, as the (edited) inventory derives them. */
  gates: Array<{ id: string; effective: string; reason: string }>;
  /** What could not be checked, and why. */
  notices: string[];
}

export interface EvidenceEdit {
  file: string;
  recordId: string;
  /** `evidence` (the list), `lastVerifiedBackup` or `schedule`. */
  field: string;
  action: 'add' | 'replace';
  /** For evidence: its result and summary; for a schedule: the new value. */
  result?: Evidence['result'];
  summary: string;
}

export interface ReportInput {
  cluster: string;
  observedAt: string;
  written: boolean;
  snapshot: Snapshot;
  unserved: readonly string[];
  drift: DriftResult;
  skipped: readonly SkippedEvidence[];
  plan: EvidencePlan;
  suggestions?: { dir: string; result: Suggestions };
}

export function discoverReport(input: ReportInput): DiscoverReport {
  const { drift, plan } = input;
  const byCode: Partial<Record<FindingCode, number>> = {};
  for (const code of FINDING_CODES) {
    const n = drift.findings.filter((f) => f.code === code).length;
    if (n > 0) byCode[code] = n;
  }
  const evidence: EvidenceEdit[] = [
    ...plan.changes.map((c) => ({ file: c.file, recordId: c.recordId, field: 'evidence', action: c.action, result: c.item.result, summary: c.item.summary })),
    ...plan.fieldChanges.map((c) =>
      typeof c.value === 'string'
        ? { file: c.file, recordId: c.recordId, field: c.field, action: c.action, summary: c.value }
        : { file: c.file, recordId: c.recordId, field: c.field, action: c.action, result: c.value.result, summary: c.value.summary },
    ),
  ];
  const suggestions = input.suggestions && {
    dir: input.suggestions.dir,
    drafts: input.suggestions.result.drafts.map(({ file, kind, id, from, host }) => ({ file, kind, id, from, ...(host ? { host } : {}) })),
    notDrafted: input.suggestions.result.notDrafted,
  };
  return {
    version: 1,
    cluster: input.cluster,
    observedAt: input.observedAt,
    ok: drift.findings.length === 0,
    written: input.written,
    snapshot: { sources: input.snapshot.files, read: input.snapshot.read, ignored: input.snapshot.ignored, unserved: [...input.unserved] },
    counts: {
      findings: drift.findings.length,
      byCode,
      evidence: evidence.length,
      skipped: input.skipped.length,
      drafts: suggestions?.drafts.length ?? 0,
    },
    findings: drift.findings,
    evidence,
    skipped: [...input.skipped],
    ...(suggestions ? { suggestions } : {}),
    gates: gatesFed(plan.after.graph, new Set(plan.changes.map((c) => c.recordId))),
    notices: drift.notices,
  };
}

function gatesFed(graph: InventoryGraph, endpoints: ReadonlySet<string>): DiscoverReport['gates'] {
  return graph
    .byKind('readiness-gate')
    .filter((g) => (g.data.requires ?? []).some((r) => r.endpoint !== undefined && endpoints.has(r.endpoint)))
    .map((g) => {
      const status = graph.gateStatus(g.id)!;
      return { id: g.id, effective: status.effective, reason: status.reason };
    });
}
