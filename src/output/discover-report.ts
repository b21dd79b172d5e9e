import type { Evidence } from '../model/evidence.ts';
import type { OutputFormat } from './format.ts';
import type { Hunk } from './probe-report.ts';

/**
 * The result of a discover run (built by src/discover, which re-exports these
 * types) and its printers: text for people at a terminal, Markdown for a job
 * summary or PR, JSON for machines (`--format json`, `--report FILE`). The
 * JSON shape is documented in README "Discovery" and stable: fields are only
 * added; a change of meaning bumps `version`. Non-secret: names, counts and
 * the evidence written, never an object's data.
 */

/** Which object of the cluster: enough to find it again with kubectl. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Every finding code, in the order reports list them. Stable: tools and the sync key on them. */
export const FINDING_CODES = [
  'service-missing',
  'workload-discovered',
  'endpoint-ingress-missing',
  'ingress-host-unrecorded',
  'tls-host-without-certificate',
  'certificate-not-ready',
  'node-address-mismatch',
  'node-unrecorded',
  'node-missing',
  'backup-set-missing',
  'backup-failed',
  'backup-overdue',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** One way the cluster and the inventory disagree. Every finding is drift: any one makes the run exit 1. */
export interface Finding {
  code: FindingCode;
  /**
   * What caused it, never when it was seen: the same disagreement gives the
   * same key on every run (an idempotency key for ops-drift-detected and
   * ops-service-discovered), a new cause a new key.
   */
  key: string;
  message: string;
  /** How to resolve it. */
  hint: string;
  /** The record concerned — the cluster's when the object has none — whose widget the drift belongs to. */
  recordId: string;
  /** That record's file, inventory-relative. */
  file: string;
  /** The cluster object concerned, when there is one. */
  object?: ObjectRef;
  /** The host name, for ingress and TLS findings. */
  host?: string;
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

/** Evidence discovery would write but does not, and why. */
export interface SkippedEvidence {
  recordId: string;
  file: string;
  field: string;
  reason: string;
}

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
  /** Gates that count evidence of the records given some (endpoints, backup sets), as the (edited) inventory derives them. */
  gates: Array<{ id: string; effective: string; reason: string }>;
  /** What was not checked, or not reported as drift (a gap a risk records), and why. */
  notices: string[];
}

/** The report as a person reads it: with each evidence edit's lines. */
export interface DiscoverReportView {
  report: DiscoverReport;
  /** The hunks of each of `report.evidence`, in the same order; shown while nothing is written. */
  hunks: ReadonlyArray<readonly Hunk[]>;
  displayPath: (file: string) => string;
}

export const DISCOVER_FORMATS = ['text', 'md', 'json'] as const satisfies readonly OutputFormat[];
export type DiscoverFormat = (typeof DISCOVER_FORMATS)[number];

export function renderDiscoverReport(view: DiscoverReportView, format: DiscoverFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(view.report, null, 2)}\n`;
    case 'md':
      return asMarkdown(view);
    case 'text':
      return asText(view);
  }
}

/** `Kind namespace/name`, for people; CloudNativePG's kinds say so (its `Cluster` is no cluster record). */
export function refLabel(ref: ObjectRef): string {
  const kind = ref.apiVersion.startsWith('postgresql.cnpg.io/') ? `CloudNativePG ${ref.kind}` : ref.kind;
  return `${kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function readLines(report: DiscoverReport): string[] {
  const read = Object.values(report.snapshot.read).reduce((a, b) => a + b, 0);
  const ignored = Object.entries(report.snapshot.ignored).map(([kind, n]) => `${n} ${kind}`);
  return [
    `${plural(read, 'object')} read from ${report.snapshot.sources.join(', ')}`,
    ...(ignored.length > 0 ? [`ignored, never read: ${ignored.join(', ')}`] : []),
    ...(report.snapshot.unserved.length > 0 ? [`not served by the cluster: ${report.snapshot.unserved.join(', ')}`] : []),
  ];
}

function verdict(report: DiscoverReport): string {
  const codes = Object.entries(report.counts.byCode).map(([code, n]) => `${n} ${code}`);
  return report.ok
    ? `✔ no drift between ${report.cluster} and the inventory`
    : `✖ ${plural(report.counts.findings, 'finding')} of drift on ${report.cluster}: ${codes.join(', ')}`;
}

function editLine(e: EvidenceEdit, displayPath: (file: string) => string): string {
  const what =
    e.field === 'schedule'
      ? `sets the schedule of ${e.recordId} to ${e.summary}`
      : `${e.action === 'add' ? 'adds' : 'replaces'} the discover evidence of ${e.recordId}${e.field === 'evidence' ? '' : ` (${e.field})`}: ${e.result} — ${e.summary}`;
  return `${displayPath(e.file)}: ${what}`;
}

function diffLines(hunks: readonly Hunk[], indent: string): string[] {
  return hunks.flatMap((h) => [`${indent}@@ line ${h.line}`, ...h.removed.map((l) => `${indent}-${l}`), ...h.added.map((l) => `${indent}+${l}`)]);
}

function asText({ report, hunks, displayPath }: DiscoverReportView): string {
  const out = [`discover ${report.cluster} at ${report.observedAt}: ${readLines(report).join('; ')}`];
  for (const f of report.findings) out.push(`✖ ${f.code} ${f.recordId}: ${f.message}`, `    ${displayPath(f.file)}`, `    hint: ${f.hint}`);
  if (report.evidence.length > 0) {
    out.push('', report.written ? 'Evidence recorded:' : 'Evidence that would change (run with --write to record it):');
    report.evidence.forEach((e, i) => out.push(`  ${editLine(e, displayPath)}`, ...(report.written ? [] : diffLines(hunks[i] ?? [], '    '))));
  }
  if (report.skipped.length > 0) {
    out.push('', 'Evidence not recorded:');
    for (const s of report.skipped) out.push(`  ${displayPath(s.file)}: ${s.field} of ${s.recordId}: ${s.reason}`);
  }
  if (report.gates.length > 0) {
    out.push('', report.written ? 'Gates now:' : 'Gates with this evidence:');
    for (const g of report.gates) out.push(`  ${g.id}: ${g.effective} — ${g.reason}`);
  }
  if (report.suggestions) {
    const { dir, drafts, notDrafted } = report.suggestions;
    out.push('', `Draft records in ${dir} (${plural(drafts.length, 'draft')}):`);
    for (const d of drafts) out.push(`  ${d.file} — from ${d.host ? `host ${d.host} of ` : ''}${refLabel(d.from)}`);
    for (const n of notDrafted) out.push(`  not drafted: ${n.subject}: ${n.reason}`);
    if (drafts.length > 0) out.push(`  review them, then: cp -r ${dir}/. . && npm run seeds && npm run validate`);
  }
  if (report.notices.length > 0) out.push('', 'Not checked or not reported:', ...report.notices.map((n) => `  ${n}`));
  out.push('', verdict(report));
  return `${out.join('\n')}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function asMarkdown({ report, hunks, displayPath }: DiscoverReportView): string {
  const out = [`### Discovery of \`${report.cluster}\` at ${report.observedAt}`, '', verdict(report), '', ...readLines(report).map((l) => `- ${cell(l)}`)];
  if (report.findings.length > 0) {
    out.push('', '| finding | record | what | how to resolve |', '| --- | --- | --- | --- |');
    for (const f of report.findings) out.push(`| \`${f.code}\` | \`${f.recordId}\` | ${cell(f.message)} | ${cell(f.hint)} |`);
  }
  if (report.evidence.length > 0) {
    out.push('', `<details><summary>${report.written ? 'Evidence recorded' : 'Evidence that would change'} (${report.evidence.length})</summary>`, '');
    report.evidence.forEach((e, i) => {
      out.push(`- ${cell(editLine(e, displayPath))}`);
      if (!report.written && (hunks[i] ?? []).length > 0) out.push('', '  ```diff', ...diffLines(hunks[i]!, '  '), '  ```');
    });
    out.push('', '</details>');
  }
  if (report.skipped.length > 0) out.push('', '**Evidence not recorded**', '', ...report.skipped.map((s) => `- \`${s.recordId}\` ${s.field}: ${cell(s.reason)}`));
  if (report.gates.length > 0) out.push('', '**Gates**', '', ...report.gates.map((g) => `- \`${g.id}\`: ${g.effective} — ${cell(g.reason)}`));
  if (report.suggestions) {
    out.push('', `**Draft records** in \`${report.suggestions.dir}\``, '', ...report.suggestions.drafts.map((d) => `- \`${d.file}\` from ${cell(refLabel(d.from))}`));
    out.push(...report.suggestions.notDrafted.map((n) => `- not drafted: ${cell(n.subject)}: ${cell(n.reason)}`));
  }
  if (report.notices.length > 0) out.push('', '**Not checked or not reported**', '', ...report.notices.map((n) => `- ${cell(n)}`));
  return `${out.join('\n')}\n`;
}
