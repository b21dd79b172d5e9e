import type { InventoryGraph } from '../graph/graph.ts';
import type { ProbeReport } from '../output/probe-report.ts';
import type { EvidencePlan } from './evidence-plan.ts';
import type { ProbeRun, ProbeSelection } from './run-probes.ts';

/** The result of a run, as `--report` records it and the terminal shows it (src/output/probe-report.ts). */
export function probeReport(run: ProbeRun, selection: ProbeSelection, plan: EvidencePlan, graph: InventoryGraph, written: boolean): ProbeReport {
  const probes: ProbeReport['probes'] = plan.changes.map((c) => ({
    id: c.recordId,
    kind: c.requirement ? 'gate' : 'endpoint',
    ...(c.requirement ? { requirement: c.requirement } : {}),
    url: c.item.source.url ?? '',
    result: c.item.result,
    summary: c.item.summary,
    observed: c.item.observed ?? {},
  }));
  const matched = probes.filter((p) => p.result === 'pass').length;
  const probed = new Set([...run.endpoints.map((e) => e.id), ...(run.gate ? [run.gate.gateId] : [])]);
  const gates = graph
    .byKind('readiness-gate')
    .filter((g) => probed.has(g.id) || (g.data.requires ?? []).some((r) => r.endpoint !== undefined && probed.has(r.endpoint)))
    .map((g) => {
      const status = graph.gateStatus(g.id)!;
      return { id: g.id, effective: status.effective, reason: status.reason, ...(status.staleAtMs !== undefined && status.effective === 'passed' ? { staleAt: new Date(status.staleAtMs).toISOString() } : {}) };
    });
  return {
    observedAt: run.observedAt,
    ok: matched === probes.length,
    written,
    counts: { probed: probes.length, matched, notMatched: probes.length - matched, skipped: selection.skipped.length },
    probes,
    skipped: selection.skipped,
    changes: plan.changes.map((c) => ({ file: c.file, recordId: c.recordId, ...(c.requirement ? { requirement: c.requirement } : {}), action: c.action })),
    gates,
  };
}
