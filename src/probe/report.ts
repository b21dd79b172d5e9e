import type { InventoryGraph } from '../graph/graph.ts';
import type { Evidence } from '../model/evidence.ts';
import { staleOn } from '../views/gates.ts';
import type { EvidencePlan } from './evidence-plan.ts';
import type { ProbeRun, ProbeSelection } from './run-probes.ts';

/** The machine-readable result of a run (`--report`): non-secret, like the evidence it describes. */
export interface ProbeReport {
  observedAt: string;
  ok: boolean;
  written: boolean;
  counts: { probed: number; matched: number; notMatched: number; skipped: number };
  probes: Array<{ id: string; kind: 'endpoint' | 'gate'; requirement?: string; url: string; result: Evidence['result']; summary: string; observed: NonNullable<Evidence['observed']> }>;
  skipped: ProbeSelection['skipped'];
  changes: Array<{ file: string; recordId: string; requirement?: string; action: 'add' | 'replace' }>;
  /** Effective status of the gates the probed evidence feeds, as the (edited) inventory derives it. */
  gates: Array<{ id: string; effective: string; reason: string; staleAt?: string }>;
}

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

/** What a person reads: one line per probe, the evidence edits (as a diff when not written), the gates they feed. */
export function renderProbeText(report: ProbeReport, plan: EvidencePlan, graph: InventoryGraph, displayPath: (file: string) => string): string {
  const out: string[] = [`probe at ${report.observedAt}`];
  for (const p of report.probes) {
    const cert = typeof p.observed['certExpiresAt'] === 'string' ? ` (certificate valid until ${p.observed['certExpiresAt']})` : '';
    out.push(`${p.result === 'pass' ? '✔' : '✖'} ${p.id}${p.requirement ? ` [${p.requirement}]` : ''}: ${p.url} — ${p.summary}${cert}`);
  }
  for (const s of report.skipped) out.push(`- ${s.id}: not probed (${s.reason})`);

  if (plan.changes.length > 0) {
    out.push('', report.written ? 'Evidence recorded:' : 'Evidence that would change (run with --write to record it):');
    for (const c of plan.changes) {
      const what = `${c.action === 'add' ? 'adds' : 'replaces'} the probe evidence of ${c.recordId}${c.requirement ? ` for ${c.requirement}` : ''}`;
      out.push(`  ${displayPath(c.file)}: ${what}`);
      if (report.written) continue;
      for (const h of c.hunks) {
        out.push(`    @@ line ${h.line}`);
        out.push(...h.removed.map((l) => `    -${l}`), ...h.added.map((l) => `    +${l}`));
      }
    }
  }
  if (report.gates.length > 0) {
    out.push('', report.written ? 'Gates now:' : 'Gates with this evidence:');
    for (const g of report.gates) {
      const soon = staleOn(graph.gateStatus(g.id)!, graph.now);
      out.push(`  ${g.id}: ${g.effective} — ${g.reason}${soon ? `; ${soon}` : ''}`);
    }
  }
  const { probed, matched, notMatched } = report.counts;
  out.push('', notMatched === 0 ? `✔ all ${probed} probe(s) met their expectation` : `✖ ${notMatched} of ${probed} probe(s) did not meet their expectation (${matched} did)`);
  return `${out.join('\n')}\n`;
}
