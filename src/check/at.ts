import type { SourcePositions } from '../load/parse-yaml.ts';
import type { PathSegment } from '../model/references.ts';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.ts';

interface Located {
  file: string;
  positions: SourcePositions;
  id?: string;
}

/** A diagnostic placed at a field of a record or file. */
export function at(
  where: Located,
  path: readonly PathSegment[],
  severity: Severity,
  code: string,
  message: string,
  hint: string,
): Diagnostic {
  const { line, col } = where.positions.of(path);
  return {
    file: where.file,
    line,
    col,
    severity,
    code,
    message,
    hint,
    ...(where.id !== undefined ? { recordId: where.id } : {}),
  };
}
