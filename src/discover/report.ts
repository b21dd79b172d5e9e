import type { InventoryGraph } from '../graph/graph.ts';
import { FINDING_CODES, type DiscoverReport, type EvidenceEdit, type FindingCode, type SkippedEvidence } from '../output/discover-report.ts';
import type { Hunk } from '../output/probe-report.ts';
import type { EvidencePlan } from '../probe/evidence-plan.ts';
import type { DriftResult } from './findings.ts';
import type { Snapshot } from './snapshot.ts';
import type { Suggestions } from './suggest.ts';

/**
 * The report's shape is declared beside its printers in src/output; this is
 * where discovery's consumers (the sync's ops-drift-detected and
 * ops-service-discovered) take it from. See README "Discovery".
 */
export { FINDING_CODES } from '../output/discover-report.ts';
export type { DiscoverReport, EvidenceEdit, Finding, FindingCode, ObjectRef, SkippedEvidence } from '../output/discover-report.ts';

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
    gates: gatesFed(plan.after.graph, new Set([...plan.changes, ...plan.fieldChanges].map((c) => c.recordId))),
    notices: drift.notices,
  };
}

/** The hunks of each of the report's evidence edits, in its order. */
export function evidenceHunks(plan: EvidencePlan): Hunk[][] {
  return [...plan.changes.map((c) => c.hunks), ...plan.fieldChanges.map((c) => c.hunks)];
}

/** The gates that count evidence of a record given some (an endpoint's certificate, a backup set's backup). */
function gatesFed(graph: InventoryGraph, records: ReadonlySet<string>): DiscoverReport['gates'] {
  return [...graph.gateStatuses().values()]
    .filter((status) => status.requirements.some((r) => r.evidenceFrom.some((id) => records.has(id))))
    .map((status) => ({ id: status.gateId, effective: status.effective, reason: status.reason }));
}
