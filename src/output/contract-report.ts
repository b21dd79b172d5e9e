import type { OutputFormat } from './format.ts';
import { mdCell } from './sync-report.ts';

/**
 * The comparison of the requests ops-hub makes with a deployment's OpenAPI
 * document (built by src/interhub/contract.ts), and its printers for
 * `npm run sync -- --check-contract`: text, Markdown or JSON, the same facts.
 */

/** `agrees`; `differs` (the run would fail on it); `absent`: not listed, but the run does without it. */
export type ContractVerdict = 'agrees' | 'differs' | 'absent';

export interface ContractFields {
  properties: string[];
  required: string[];
}

export interface ContractRow {
  method: string;
  /** The route as requested, `/api/v2/widgets`. */
  route: string;
  use: 'read' | 'write' | 'optional' | 'bootstrap';
  /** The body ops-hub sends. */
  sends?: ContractFields;
  /** The request schema the document declares, when it declares one. */
  declares?: ContractFields;
  verdict: ContractVerdict;
  /** Each disagreement (or why an absence is harmless), naming the field. */
  problems: string[];
}

export type ContractCheck =
  | { base: string; verdict: 'agrees' | 'differs'; operations: ContractRow[] }
  | { base: string; verdict: 'unreadable'; reason: string };

export const CONTRACT_FORMATS = ['text', 'md', 'json'] as const satisfies readonly OutputFormat[];
export type ContractFormat = (typeof CONTRACT_FORMATS)[number];

export function renderContractCheck(check: ContractCheck, format: ContractFormat): string {
  if (format === 'json') return `${JSON.stringify(check, null, 2)}\n`;
  const heading = `Inter-Hub contract at ${check.base}: ${contractSummary(check)}`;
  if (check.verdict === 'unreadable') return format === 'md' ? `### ${mdCell(heading)}\n` : `${heading}\n`;
  const rows = check.operations.map((o) => ({
    request: `${o.method} ${o.route}`,
    sends: fieldList(o.sends),
    declares: o.declares ? fieldList(o.declares) : o.sends ? 'no request schema' : '—',
    verdict: o.verdict,
    why: o.problems.join('; '),
  }));
  if (format === 'md') {
    const out = [`### ${mdCell(heading)}`, '', '| request | we send | they declare | verdict | why |', '| --- | --- | --- | --- | --- |'];
    for (const r of rows) out.push(`| \`${mdCell(r.request)}\` | ${mdCell(r.sends)} | ${mdCell(r.declares)} | ${r.verdict} | ${mdCell(r.why)} |`);
    return `${out.join('\n')}\n`;
  }
  const lines = [heading, '(required fields are marked *)'];
  for (const r of rows) {
    lines.push(`  ${r.verdict.padEnd(7)}  ${r.request}${r.why ? ` — ${r.why}` : ''}`);
    if (r.sends !== '—') lines.push(`             we send: ${r.sends}`, `             they declare: ${r.declares}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line: what the sync's plan header and the check's heading say. */
export function contractSummary(check: ContractCheck): string {
  if (check.verdict === 'unreadable') return `not checked — ${check.reason}`;
  const differs = check.operations.filter((o) => o.verdict === 'differs');
  if (differs.length === 0) return `agrees with the live OpenAPI (${check.operations.filter((o) => o.verdict === 'agrees').length} requests checked)`;
  return `DIFFERS from the live OpenAPI on ${differs.length} request(s): ${differs.map((o) => `${o.method} ${o.route} (${o.problems.join('; ')})`).join(', ')}`;
}

function fieldList(fields: ContractFields | undefined): string {
  if (!fields) return '—';
  if (fields.properties.length === 0 && fields.required.length === 0) return 'an empty object';
  const names = [...new Set([...fields.properties, ...fields.required])];
  return names.map((n) => (fields.required.includes(n) ? `${n}*` : n)).join(', ');
}
