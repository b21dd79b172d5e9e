import type { OutputFormat } from '../output/format.ts';
import type { EvidencePlan } from '../probe/evidence-plan.ts';
import type { Hunk } from '../output/probe-report.ts';
import type { DiscoverReport } from './report.ts';
import { refLabel } from './snapshot.ts';

export type DiscoverFormat = Extract<OutputFormat, 'text' | 'md' | 'json'>;
export const DISCOVER_FORMATS: readonly DiscoverFormat[] = ['text', 'md', 'json'];

export interface RenderContext {
  /** The plan behind the report's evidence: its diffs are shown when nothing was written. */
  plan: EvidencePlan;
  /** Inventory-relative path → the path shown. */
  displayPath: (file: string) => string;
}

/** Text for people at a terminal, Markdown for a job summary or PR, JSON (the report itself) for machines. */
export function renderDiscover(report: DiscoverReport, format: DiscoverFormat, ctx: RenderContext): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return asMarkdown(report, ctx);
    case 'text':
      return asText(report, ctx);
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function readLine(report: DiscoverReport): string[] {
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

/** Each evidence edit with its diff (by file and field, in plan order). */
function edits(report: DiscoverReport, ctx: RenderContext): Array<{ line: string; hunks: Hunk[] }> {
  const hunks = [...ctx.plan.changes.map((c) => c.hunks), ...ctx.plan.fieldChanges.map((c) => c.hunks)];
  return report.evidence.map((e, i) => {
    const what = e.field === 'schedule' ? `sets the schedule of ${e.recordId} to ${e.summary}` : `${e.action === 'add' ? 'adds' : 'replaces'} the discover evidence of ${e.recordId}${e.field === 'evidence' ? '' : ` (${e.field})`}: ${e.result} — ${e.summary}`;
    return { line: `${ctx.displayPath(e.file)}: ${what}`, hunks: hunks[i] ?? [] };
  });
}

function diffLines(hunks: readonly Hunk[], indent: string): string[] {
  return hunks.flatMap((h) => [`${indent}@@ line ${h.line}`, ...h.removed.map((l) => `${indent}-${l}`), ...h.added.map((l) => `${indent}+${l}`)]);
}

function asText(report: DiscoverReport, ctx: RenderContext): string {
  const out = [`discover ${report.cluster} at ${report.observedAt}: ${readLine(report).join('; ')}`];
  for (const f of report.findings) {
    out.push(`✖ ${f.code} ${f.recordId}: ${f.message}`, `    ${ctx.displayPath(f.file)}`, `    hint: ${f.hint}`);
  }
  if (report.evidence.length > 0) {
    out.push('', report.written ? 'Evidence recorded:' : 'Evidence that would change (run with --write to record it):');
    for (const e of edits(report, ctx)) out.push(`  ${e.line}`, ...(report.written ? [] : diffLines(e.hunks, '    ')));
  }
  if (report.skipped.length > 0) {
    out.push('', 'Evidence not recorded:');
    for (const s of report.skipped) out.push(`  ${ctx.displayPath(s.file)}: ${s.field} of ${s.recordId}: ${s.reason}`);
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
  if (report.notices.length > 0) out.push('', 'Not checked:', ...report.notices.map((n) => `  ${n}`));
  out.push('', verdict(report));
  return `${out.join('\n')}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function asMarkdown(report: DiscoverReport, ctx: RenderContext): string {
  const out = [`### Discovery of \`${report.cluster}\` at ${report.observedAt}`, '', verdict(report), '', ...readLine(report).map((l) => `- ${cell(l)}`)];
  if (report.findings.length > 0) {
    out.push('', '| finding | record | what | how to resolve |', '| --- | --- | --- | --- |');
    for (const f of report.findings) out.push(`| \`${f.code}\` | \`${f.recordId}\` | ${cell(f.message)} | ${cell(f.hint)} |`);
  }
  if (report.evidence.length > 0) {
    out.push('', `<details><summary>${report.written ? 'Evidence recorded' : 'Evidence that would change'} (${report.evidence.length})</summary>`, '');
    for (const e of edits(report, ctx)) {
      out.push(`- ${cell(e.line)}`);
      if (!report.written && e.hunks.length > 0) out.push('', '  ```diff', ...diffLines(e.hunks, '  '), '  ```');
    }
    out.push('', '</details>');
  }
  if (report.skipped.length > 0) out.push('', '**Evidence not recorded**', '', ...report.skipped.map((s) => `- \`${s.recordId}\` ${s.field}: ${cell(s.reason)}`));
  if (report.gates.length > 0) out.push('', '**Gates**', '', ...report.gates.map((g) => `- \`${g.id}\`: ${g.effective} — ${cell(g.reason)}`));
  if (report.suggestions) {
    out.push('', `**Draft records** in \`${report.suggestions.dir}\``, '', ...report.suggestions.drafts.map((d) => `- \`${d.file}\` from ${cell(refLabel(d.from))}`));
    out.push(...report.suggestions.notDrafted.map((n) => `- not drafted: ${cell(n.subject)}: ${cell(n.reason)}`));
  }
  if (report.notices.length > 0) out.push('', '**Not checked**', '', ...report.notices.map((n) => `- ${cell(n)}`));
  return `${out.join('\n')}\n`;
}
