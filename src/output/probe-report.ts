import type { EffectiveStatus } from '../graph/gate-status.ts';
import type { Evidence } from '../model/evidence.ts';
import { staleOn } from '../views/gates.ts';
import type { OutputFormat } from './format.ts';

/**
 * The result of a probe run (built by src/probe from what it observed and the
 * evidence edits it planned) and its printers: text for the person at the
 * terminal, JSON for `--report` — non-secret, like the evidence it describes.
 */

/** One changed region of a file, for showing what would change: 1-based line in the old text. */
export interface Hunk {
  line: number;
  removed: string[];
  added: string[];
}

export interface ProbeReport {
  observedAt: string;
  ok: boolean;
  written: boolean;
  counts: { probed: number; matched: number; notMatched: number; skipped: number };
  probes: Array<{ id: string; kind: 'endpoint' | 'gate'; requirement?: string; url: string; result: Evidence['result']; summary: string; observed: NonNullable<Evidence['observed']> }>;
  /** What is not probed this run, and why. */
  skipped: Array<{ id: string; reason: string }>;
  changes: Array<{ file: string; recordId: string; requirement?: string; action: 'add' | 'replace' }>;
  /** Effective status of the gates the probed evidence feeds, as the (edited) inventory derives it. */
  gates: Array<{ id: string; effective: EffectiveStatus; reason: string; staleAt?: string }>;
}

/** The report as a person reads it: with each change's lines, and the moment gate ages are told from. */
export interface ProbeReportView {
  report: ProbeReport;
  /** The hunks of each of `report.changes`, in the same order; shown while the change is not written. */
  hunks: ReadonlyArray<readonly Hunk[]>;
  now: number;
  displayPath: (file: string) => string;
}

export const PROBE_FORMATS = ['text', 'json'] as const satisfies readonly OutputFormat[];
export type ProbeFormat = (typeof PROBE_FORMATS)[number];

export function renderProbeReport(view: ProbeReportView, format: ProbeFormat): string {
  return format === 'json' ? `${JSON.stringify(view.report, null, 2)}\n` : asText(view);
}

/** One line per probe, the evidence edits (as a diff when not written), the gates they feed. */
function asText({ report, hunks, now, displayPath }: ProbeReportView): string {
  const out: string[] = [`probe at ${report.observedAt}`];
  for (const p of report.probes) {
    const cert = typeof p.observed['certExpiresAt'] === 'string' ? ` (certificate valid until ${p.observed['certExpiresAt']})` : '';
    out.push(`${p.result === 'pass' ? '✔' : '✖'} ${p.id}${p.requirement ? ` [${p.requirement}]` : ''}: ${p.url} — ${p.summary}${cert}`);
  }
  for (const s of report.skipped) out.push(`- ${s.id}: not probed (${s.reason})`);

  if (report.changes.length > 0) {
    out.push('', report.written ? 'Evidence recorded:' : 'Evidence that would change (run with --write to record it):');
    report.changes.forEach((c, i) => {
      const what = `${c.action === 'add' ? 'adds' : 'replaces'} the probe evidence of ${c.recordId}${c.requirement ? ` for ${c.requirement}` : ''}`;
      out.push(`  ${displayPath(c.file)}: ${what}`);
      if (report.written) return;
      for (const h of hunks[i] ?? []) {
        out.push(`    @@ line ${h.line}`);
        out.push(...h.removed.map((l) => `    -${l}`), ...h.added.map((l) => `    +${l}`));
      }
    });
  }
  if (report.gates.length > 0) {
    out.push('', report.written ? 'Gates now:' : 'Gates with this evidence:');
    for (const g of report.gates) {
      const soon = staleOn({ effective: g.effective, ...(g.staleAt ? { staleAtMs: Date.parse(g.staleAt) } : {}) }, now);
      out.push(`  ${g.id}: ${g.effective} — ${g.reason}${soon ? `; ${soon}` : ''}`);
    }
  }
  const { probed, matched, notMatched } = report.counts;
  out.push('', notMatched === 0 ? `✔ all ${probed} probe(s) met their expectation` : `✖ ${notMatched} of ${probed} probe(s) did not meet their expectation (${matched} did)`);
  return `${out.join('\n')}\n`;
}
