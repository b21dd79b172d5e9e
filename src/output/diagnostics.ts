import { countBySeverity, type Diagnostic } from '../diagnostics/diagnostic.ts';
import type { OutputFormat } from './format.ts';

export const DIAGNOSTIC_FORMATS = ['text', 'json', 'github'] as const satisfies readonly OutputFormat[];
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

export interface DiagnosticsContext {
  /** Turns an inventory-relative path into the path shown (relative to the working directory). */
  displayPath: (file: string) => string;
  records: number;
  /** Dotfiles the loader left alone (editor droppings): counted in the summary, listed in JSON. */
  dotfiles?: readonly string[];
}

export function renderDiagnostics(list: readonly Diagnostic[], format: DiagnosticFormat, ctx: DiagnosticsContext): string {
  switch (format) {
    case 'json':
      return asJson(list, ctx);
    case 'github':
      return asGithub(list, ctx);
    case 'text':
      return asText(list, ctx);
  }
}

export function summaryLine(list: readonly Diagnostic[], records: number, dotfiles = 0): string {
  const c = countBySeverity(list);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const mark = c.error > 0 ? '✖' : '✔';
  return `${mark} ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.notice, 'notice')} in ${plural(records, 'record')}${dotfiles > 0 ? `; ${plural(dotfiles, 'dotfile')} ignored` : ''}`;
}

/** One diagnostic as people read it, `file:line:col severity code: message`, and its hint below. */
export function diagnosticLines(d: Diagnostic, displayPath: (file: string) => string): string[] {
  return [`${displayPath(d.file)}:${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`, ...(d.hint ? [`  hint: ${d.hint}`] : [])];
}

function asText(list: readonly Diagnostic[], ctx: DiagnosticsContext): string {
  const lines = list.flatMap((d) => diagnosticLines(d, ctx.displayPath));
  return [...lines, summaryLine(list, ctx.records, ctx.dotfiles?.length)].join('\n') + '\n';
}

function asJson(list: readonly Diagnostic[], ctx: DiagnosticsContext): string {
  const counts = countBySeverity(list);
  return (
    JSON.stringify(
      {
        ok: counts.error === 0,
        records: ctx.records,
        counts,
        diagnostics: list.map((d) => ({ ...d, file: ctx.displayPath(d.file) })),
        ...(ctx.dotfiles ? { dotfilesIgnored: ctx.dotfiles.map(ctx.displayPath) } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

// Workflow commands: GitHub and Gitea Actions turn these into annotations on the PR diff.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function asGithub(list: readonly Diagnostic[], ctx: DiagnosticsContext): string {
  const level = { error: 'error', warning: 'warning', notice: 'notice' } as const;
  const lines = list.map((d) => {
    const props = `file=${escapeProperty(ctx.displayPath(d.file))},line=${d.line},col=${d.col},title=${escapeProperty(d.code)}`;
    return `::${level[d.severity]} ${props}::${escapeData(d.hint ? `${d.message}\nhint: ${d.hint}` : d.message)}`;
  });
  return [...lines, summaryLine(list, ctx.records, ctx.dotfiles?.length)].join('\n') + '\n';
}
