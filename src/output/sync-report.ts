import type { OutputFormat } from './format.ts';

/**
 * The non-secret record of an Inter-Hub sync run (built by src/sync from the
 * plan and what apply did) and its printers: text for a terminal, Markdown
 * for a CI job summary, JSON for machines — the same facts.
 */

/** `resolved`: an annotation whose cause is gone; it stays in Inter-Hub (no delete route) and nothing is sent. */
export type SyncItemStatus = 'planned' | 'created' | 'posted' | 'unchanged' | 'present' | 'reported' | 'resolved' | 'skipped' | 'failed' | 'not-attempted';

export interface SyncFieldDifference {
  field: 'widgetType' | 'policyScope' | 'viewContext' | 'status' | 'duplicate';
  inventory: string | null;
  interhub: string | null;
}

/** What one Inter-Hub client sent in a run (the client counts it; reports show it). */
export interface InterHubRequestStats {
  requests: number;
  tokenExchanges: number;
  /** Paginated list requests, by route ("GET /api/v2/widgets"). */
  lists: Record<string, number>;
  writes: number;
  retries: number;
  recovered: number;
}

/** Ids, counts and statuses, at most a key prefix: never a secret. */
export interface SyncReport {
  runId: string;
  mode: 'plan' | 'apply';
  base: string;
  hub: { id: string; slug: string };
  commitSha?: string;
  keyPrefix?: string;
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  aborted?: string;
  /** The live OpenAPI against what the sync sends (details: `--check-contract`). */
  contract: { verdict: 'agrees' | 'differs' | 'unreadable'; summary: string };
  counts: { widgets: Record<string, number>; events: Record<string, number>; annotations: Record<string, number> };
  foreignWidgets: number;
  notes: string[];
  widgets: Array<{
    name: string;
    recordId?: string;
    action: string;
    status: SyncItemStatus;
    widgetId?: string;
    reason?: string;
    differences?: SyncFieldDifference[];
    recovered?: boolean;
    error?: string;
  }>;
  events: Array<{
    eventType: string;
    recordId: string;
    widgetName: string;
    widgetId?: string;
    idempotencyKey: string;
    observedAt: string;
    action: string;
    status: SyncItemStatus;
    eventId?: string;
    reason?: string;
    recovered?: boolean;
    error?: string;
  }>;
  annotations: Array<{
    category: string;
    recordId: string;
    widgetName: string;
    widgetId?: string;
    idempotencyKey: string;
    observedAt?: string;
    action: string;
    status: SyncItemStatus;
    annotationId?: string;
    reason?: string;
    recovered?: boolean;
    error?: string;
  }>;
  requests: InterHubRequestStats;
}

export const SYNC_REPORT_FORMATS = ['text', 'md', 'json'] as const satisfies readonly OutputFormat[];
export type SyncReportFormat = (typeof SYNC_REPORT_FORMATS)[number];

export function renderSyncReport(report: SyncReport, format: SyncReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'md' ? asMarkdown(report) : asText(report);
}

/** Long lists are cut: a CI summary must stay readable for a 10,000-record inventory. */
const LIST_CAP = 100;

type Row = { label: string; name: string; detail: string };

function count(counts: Record<string, number>, key: string): number {
  return counts[key] ?? 0;
}

function summaryLines(r: SyncReport): string[] {
  const w = r.counts.widgets;
  const e = r.counts.events;
  const a = r.counts.annotations;
  const contract = `contract: ${r.contract.summary}`;
  if (r.mode === 'plan') {
    return [
      contract,
      `widgets: ${count(w, 'plan:create')} to create, ${count(w, 'plan:unchanged')} unchanged, ${count(w, 'plan:drift')} drift, ${count(w, 'plan:orphan')} orphan, ${count(w, 'plan:skip')} skipped` +
        (r.foreignWidgets ? ` (${r.foreignWidgets} widgets of others left alone)` : ''),
      `events: ${count(e, 'plan:post')} to post, ${count(e, 'plan:present')} already there, ${count(e, 'plan:skip')} skipped`,
      `annotations: ${count(a, 'plan:post')} to post, ${count(a, 'plan:present')} already there, ${count(a, 'plan:resolved')} resolved, ${count(a, 'plan:skip')} skipped`,
    ];
  }
  return [
    contract,
    `widgets: ${count(w, 'created')} created, ${count(w, 'unchanged')} unchanged, ${count(w, 'reported')} drift/orphan reported, ${count(w, 'skipped')} skipped, ${count(w, 'failed')} failed, ${count(w, 'not-attempted')} not attempted`,
    `events: ${count(e, 'posted')} posted, ${count(e, 'present')} already there, ${count(e, 'skipped')} skipped, ${count(e, 'failed')} failed, ${count(e, 'not-attempted')} not attempted`,
    `annotations: ${count(a, 'posted')} posted, ${count(a, 'present')} already there, ${count(a, 'resolved')} resolved, ${count(a, 'skipped')} skipped, ${count(a, 'failed')} failed, ${count(a, 'not-attempted')} not attempted`,
  ];
}

/** What a reviewer needs to see: everything except the items that need nothing. */
function rows(r: SyncReport): Row[] {
  const out: Row[] = [];
  for (const w of r.widgets) {
    if (w.status === 'unchanged') continue;
    const label = r.mode === 'plan' ? w.action : w.status;
    const diffs = (w.differences ?? []).map((d) => `${d.field}: inventory ${d.inventory ?? '—'}, inter-hub ${d.interhub ?? '—'}`).join('; ');
    out.push({ label, name: w.name, detail: [w.recordId ? `record ${w.recordId}` : '', diffs, w.reason ?? '', w.error ?? '', w.recovered ? 'answer lost, found instead of re-sent' : ''].filter(Boolean).join(' — ') });
  }
  for (const e of r.events) {
    if (e.status === 'present') continue;
    const label = r.mode === 'plan' ? e.action : e.status;
    out.push({ label, name: `${e.eventType} on ${e.widgetName}`, detail: [`observed ${e.observedAt}`, e.reason ?? '', e.error ?? '', e.recovered ? 'answer lost, found instead of re-sent' : ''].filter(Boolean).join(' — ') });
  }
  for (const a of r.annotations) {
    if (a.status === 'present') continue;
    const label = r.mode === 'plan' ? a.action : a.status;
    const about = a.recordId ? `about ${a.recordId}` : '';
    out.push({ label, name: `annotation ${a.category} on ${a.widgetName}`, detail: [about, a.reason ?? '', a.error ?? '', a.recovered ? 'answer lost, found instead of re-sent' : ''].filter(Boolean).join(' — ') });
  }
  return out;
}

function title(r: SyncReport): string {
  return `Inter-Hub sync ${r.mode === 'plan' ? 'plan' : 'apply'} — hub ${r.hub.slug} (${r.hub.id}) at ${r.base}`;
}

function verdict(r: SyncReport): string | undefined {
  if (r.mode === 'plan') return undefined;
  if (r.complete) return 'complete: Inter-Hub holds what the inventory says';
  return `INCOMPLETE${r.aborted ? ` (${r.aborted})` : ''}: the rows marked failed or not-attempted were not done; run the sync again to finish them`;
}

function asText(r: SyncReport): string {
  const lines = [title(r), ...summaryLines(r)];
  const v = verdict(r);
  if (v) lines.push(v);
  const all = rows(r);
  const width = Math.max(0, ...all.map((row) => row.label.length));
  for (const row of all.slice(0, LIST_CAP)) lines.push(`  ${row.label.padEnd(width)}  ${row.name}${row.detail ? `  (${row.detail})` : ''}`);
  if (all.length > LIST_CAP) lines.push(`  … and ${all.length - LIST_CAP} more (see the JSON report)`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
}

function asMarkdown(r: SyncReport): string {
  const out = [`### ${mdCell(title(r))}`, '', ...summaryLines(r).map((l) => `- ${l}`)];
  const v = verdict(r);
  if (v) out.push(`- **${v}**`);
  const all = rows(r);
  if (all.length > 0) {
    out.push('', `<details><summary>${all.length} item(s) that need or got a write, or were skipped</summary>`, '', '| | item | detail |', '| --- | --- | --- |');
    for (const row of all.slice(0, LIST_CAP)) out.push(`| ${mdCell(row.label)} | \`${mdCell(row.name)}\` | ${mdCell(row.detail)} |`);
    if (all.length > LIST_CAP) out.push(`| | … and ${all.length - LIST_CAP} more | see the JSON report |`);
    out.push('', '</details>');
  }
  if (r.notes.length > 0) out.push('', ...r.notes.map((n) => `> ${mdCell(n)}`));
  return `${out.join('\n')}\n`;
}
