/** Diagnostics are data; text, JSON and CI annotations are printers of it. */
export type Severity = 'error' | 'warning' | 'notice';

export interface Diagnostic {
  /** Path relative to the inventory root, `/` separated. */
  file: string;
  line: number;
  col: number;
  severity: Severity;
  /** Stable, documented code, e.g. `unknown-reference`. */
  code: string;
  message: string;
  /** How to fix it. */
  hint?: string;
  /** The record the problem belongs to, when there is one. */
  recordId?: string;
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      ORDER[a.severity] - ORDER[b.severity] ||
      a.code.localeCompare(b.code),
  );
}

export function countBySeverity(list: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const d of list) counts[d.severity]++;
  return counts;
}
