import { countBySeverity, type Diagnostic } from '../diagnostics/diagnostic.ts';
import type { EffectiveStatus } from '../graph/gate-status.ts';
import type { ImpactEntry } from '../graph/impact.ts';
import type { WaveVerdict } from '../graph/waves.ts';
import type { Kind } from '../model/kinds.ts';
import { fieldText } from '../views/fields.ts';
import { kindCountText } from '../views/impact.ts';
import { gateStatusView, verdictView } from '../views/status.ts';
import { diagnosticLines, summaryLine } from './diagnostics.ts';
import type { OutputFormat } from './format.ts';

/**
 * What a change does to the inventory (built by src/diff from the graphs of
 * both sides) and its two printers: Markdown for a PR comment, JSON for
 * machines — the same facts.
 */

export type RecordStatus = 'added' | 'removed' | 'changed' | 'renamed' | 'moved';

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface RelationChange {
  field: string;
  to: string;
}

export interface RecordChange {
  id: string;
  kind: Kind;
  title: string;
  status: RecordStatus;
  file: string;
  /** Renamed (new id, same content) or moved (same id, another kind): where it was. */
  before?: { id: string; kind: Kind; file: string };
  fields: FieldChange[];
  relations: { gained: RelationChange[]; lost: RelationChange[] };
}

export interface GateTransition {
  id: string;
  title: string;
  before?: EffectiveStatus;
  after?: EffectiveStatus;
}

export interface WaveChange {
  id: string;
  title: string;
  before?: string;
  after?: string;
  verdictBefore?: string;
  verdictAfter?: string;
}

/** What depends on the changed records, downstream (in the head; for removed records, in the base). */
export interface ChangeImpact {
  /** Records downstream of the change, the changed ones not counted. */
  count: number;
  byKind: Partial<Record<Kind, number>>;
  /** Gates and waves the change touches: changed themselves, or downstream. */
  gates: Array<{ id: string; title: string }>;
  waves: Array<{ id: string; title: string }>;
  /** The nearest downstream records, each with its path from a changed one (capped; `count` counts them all). */
  records: ImpactEntry[];
}

export interface ChangeSet {
  summary: { added: number; removed: number; changed: number; renamed: number; moved: number; gateTransitions: number; newErrors: number };
  gates: GateTransition[];
  waves: WaveChange[];
  impact: ChangeImpact;
  records: RecordChange[];
  /** Every diagnostic of the head, as `validate` prints them. */
  headDiagnostics: Diagnostic[];
  /** Head errors the base did not have. */
  newErrors: Diagnostic[];
}

/** A diff as reviewers read it (Markdown, for a PR comment) and as machines do (JSON): the same facts. */
export interface DiffReport {
  base: string;
  head: string;
  changes: ChangeSet;
  /** Mermaid of the changed neighbourhood, when any changed record is in the topology. */
  diagram?: string;
  headRecords: number;
  displayPath: (file: string) => string;
}

export const DIFF_FORMATS = ['md', 'json'] as const satisfies readonly OutputFormat[];
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** Caps that keep a comment on a 10,000-record change readable (and under the forges' size limits). */
const MAX_RECORDS = 50;
const MAX_ROWS = 50;
const MAX_FIELDS = 25;
const MAX_DIAGNOSTICS = 50;
const MAX_CELL = 120;

function summaryOf(c: ChangeSet): string {
  const s = c.summary;
  const records = [
    `${s.added} added`,
    `${s.removed} removed`,
    `${s.changed} changed`,
    ...(s.renamed ? [`${s.renamed} renamed`] : []),
    ...(s.moved ? [`${s.moved} moved`] : []),
  ].join(', ');
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `${records} · ${plural(s.gateTransitions, 'gate changed status', 'gates changed status')} · ${plural(s.newErrors, 'new validation error', 'new validation errors')}`;
}

function cell(value: unknown): string {
  const text = value === undefined ? '—' : fieldText(value);
  const short = text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
  return short.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, 'ˋ').replace(/[\r\n]+/g, ' ');
}

function gateCell(status: EffectiveStatus | undefined): string {
  if (!status) return '—';
  const v = gateStatusView(status);
  return `${v.icon} ${v.label}`;
}

function verdictText(verdict: string | undefined): string {
  return verdict ? verdictView(verdict as WaveVerdict).label : '—';
}

function recordHeadline(r: RecordChange): string {
  const what =
    r.status === 'renamed'
      ? `renamed from \`${r.before!.id}\``
      : r.status === 'moved'
        ? `moved from ${r.before!.kind} to ${r.kind}`
        : r.status;
  const counts = [
    r.fields.length ? `${r.fields.length} field${r.fields.length === 1 ? '' : 's'}` : '',
    r.relations.gained.length + r.relations.lost.length ? `${r.relations.gained.length + r.relations.lost.length} relation${r.relations.gained.length + r.relations.lost.length === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return `\`${r.id}\` (${r.kind}) — ${what}${counts.length ? `: ${counts.join(', ')}` : ''}`;
}

function fieldRows(fields: readonly FieldChange[]): string[] {
  const rows = fields.slice(0, MAX_FIELDS).map((f) => `| \`${cell(f.path)}\` | ${cell(f.before)} | ${cell(f.after)} |`);
  if (fields.length > MAX_FIELDS) rows.push(`| … ${fields.length - MAX_FIELDS} more fields | | |`);
  return ['| field | before | after |', '| --- | --- | --- |', ...rows];
}

function recordSection(r: RecordChange, display: (f: string) => string): string[] {
  const out = ['<details>', `<summary>${recordHeadline(r)}</summary>`, '', `${cell(r.title)} · \`${display(r.file)}\``, ''];
  if (r.fields.length > 0) out.push(...fieldRows(r.fields), '');
  const rel = (list: RecordChange['relations']['gained']) => list.map((x) => `${x.field} → \`${x.to}\``).join(', ');
  if (r.relations.gained.length > 0) out.push(`Relations gained: ${rel(r.relations.gained)}`, '');
  if (r.relations.lost.length > 0) out.push(`Relations lost: ${rel(r.relations.lost)}`, '');
  out.push('</details>');
  return out;
}

/** "`a`, `b`, `c`", the first `max` of them and a count of the rest. */
function idList(items: ReadonlyArray<{ id: string }>, max = 10): string {
  const more = items.length > max ? ` (+${items.length - max} more)` : '';
  return `${items.slice(0, max).map((i) => `\`${i.id}\``).join(', ')}${more}`;
}

/** "Impact: 9 records downstream of this change; gates `a`, `b` and wave `w` affected". */
function impactHeadline(impact: ChangeImpact): string {
  const plural = (n: number, word: string) => `${word}${n === 1 ? '' : 's'}`;
  const touched = [
    impact.gates.length ? `${plural(impact.gates.length, 'gate')} ${idList(impact.gates)}` : '',
    impact.waves.length ? `${plural(impact.waves.length, 'wave')} ${idList(impact.waves)}` : '',
  ].filter(Boolean);
  const affected = touched.length ? `${touched.join(' and ')} affected` : 'no gate or wave affected';
  return `Impact: ${impact.count} ${plural(impact.count, 'record')} downstream of this change; ${affected}`;
}

/** A downstream record and the chain back to the change: "`ep` — served by → `svc` — runs on → `cluster` (changed)". */
function impactLine(entry: ImpactEntry): string {
  const chain = entry.path.map((step, i) => `— ${cell(step.phrase)} → \`${i === 0 ? entry.from : entry.path[i - 1]!.id}\``).reverse();
  return `- \`${entry.id}\` (${entry.kind}) ${chain.join(' ')} (changed)`;
}

function impactSection(impact: ChangeImpact): string[] {
  const out = ['', '### Impact', '', `**${impactHeadline(impact)}**`];
  if (impact.count === 0) return out;
  out.push('', '<details>', `<summary>${impact.count} ${impact.count === 1 ? 'record' : 'records'} downstream: ${kindCountText(impact.byKind)}</summary>`, '', ...impact.records.map(impactLine));
  if (impact.count > impact.records.length) out.push(`- … and ${impact.count - impact.records.length} more (\`npm run diff -- --format json\` counts them by kind)`);
  out.push('', '</details>');
  return out;
}

function asMarkdown(report: DiffReport): string {
  const { changes: c, displayPath } = report;
  const out = [`## Inventory diff: \`${report.base}\` → ${report.head === 'working tree' ? 'working tree' : `\`${report.head}\``}`, '', `**${summaryOf(c)}**`];

  if (c.gates.length > 0) {
    out.push('', '### Gate transitions', '', '| gate | before | after |', '| --- | --- | --- |');
    for (const g of c.gates.slice(0, MAX_ROWS)) out.push(`| \`${g.id}\` ${cell(g.title)} | ${gateCell(g.before)} | ${gateCell(g.after)} |`);
    if (c.gates.length > MAX_ROWS) out.push(`| … ${c.gates.length - MAX_ROWS} more gates | | |`);
  }

  if (c.waves.length > 0) {
    out.push('', '### Readiness per migration wave', '');
    for (const w of c.waves.slice(0, MAX_ROWS)) {
      const readiness = w.before === w.after ? `${w.after} (unchanged)` : `${w.before ?? '—'} → ${w.after ?? '—'}`;
      const verdict = w.verdictBefore === w.verdictAfter ? verdictText(w.verdictAfter) : `${verdictText(w.verdictBefore)} → ${verdictText(w.verdictAfter)}`;
      out.push(`- **${cell(w.title)}** (\`${w.id}\`): ${readiness}; verdict ${verdict}`);
    }
    if (c.waves.length > MAX_ROWS) out.push(`- … and ${c.waves.length - MAX_ROWS} more waves`);
  }

  if (c.records.length > 0) out.push(...impactSection(c.impact));

  if (c.records.length > 0) {
    out.push('', `### Changed records (${c.records.length})`, '');
    for (const r of c.records.slice(0, MAX_RECORDS)) out.push(...recordSection(r, displayPath));
    if (c.records.length > MAX_RECORDS) out.push('', `… and ${c.records.length - MAX_RECORDS} more records (\`npm run diff -- --format json\` lists them all).`);
  }

  if (report.diagram) {
    out.push('', '### Topology of the changed neighbourhood', '', '<details open>', '<summary>added, changed and removed records with what touches them</summary>', '', '```mermaid', report.diagram.trimEnd(), '```', '', '</details>');
  }

  const counts = countBySeverity(c.headDiagnostics);
  out.push('', '### Validation of the head', '');
  if (c.headDiagnostics.length === 0) out.push(summaryLine([], report.headRecords));
  else {
    out.push(`${summaryLine(c.headDiagnostics, report.headRecords)}${c.newErrors.length ? ` (${c.newErrors.length} new)` : ''}`, '');
    out.push(`<details${counts.error > 0 ? ' open' : ''}>`, `<summary>${c.headDiagnostics.length} diagnostic(s)</summary>`, '', '```text', ...c.headDiagnostics.slice(0, MAX_DIAGNOSTICS).flatMap((d) => diagnosticLines(d, displayPath)));
    if (c.headDiagnostics.length > MAX_DIAGNOSTICS) out.push(`… and ${c.headDiagnostics.length - MAX_DIAGNOSTICS} more (npm run validate lists them all)`);
    out.push('```', '', '</details>');
  }
  return `${out.join('\n')}\n`;
}

function asJson(report: DiffReport): string {
  const { changes: c, displayPath } = report;
  const withPath = (d: Diagnostic) => ({ ...d, file: displayPath(d.file) });
  const json = {
    base: report.base,
    head: report.head,
    summary: { ...c.summary, text: summaryOf(c) },
    gates: c.gates,
    waves: c.waves,
    impact: { ...c.impact, text: impactHeadline(c.impact) },
    records: c.records.map((r) => ({ ...r, file: displayPath(r.file), ...(r.before ? { before: { ...r.before, file: displayPath(r.before.file) } } : {}) })),
    diagram: report.diagram ?? null,
    validation: {
      ok: countBySeverity(c.headDiagnostics).error === 0,
      records: report.headRecords,
      counts: countBySeverity(c.headDiagnostics),
      diagnostics: c.headDiagnostics.map(withPath),
      newErrors: c.newErrors.map(withPath),
    },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

export function renderDiffReport(report: DiffReport, format: DiffFormat): string {
  return format === 'json' ? asJson(report) : asMarkdown(report);
}
