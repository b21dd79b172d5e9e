import { z } from 'zod';
import type { SourcePositions } from './parse-yaml.ts';
import type { Kind } from '../model/kinds.ts';
import { unwrapSchema, type PathSegment } from '../model/references.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../util/did-you-mean.ts';

/** Vocabulary fields get their own codes, so CI can tell a typo from a shape error. */
function vocabularyField(kind: Kind | undefined, field: PathSegment | undefined): { code: string; what: string } | undefined {
  if (kind === undefined) return undefined;
  if (field === 'owner') return { code: 'unknown-owner', what: 'owner repo (inventory/owners.yaml)' };
  if (field === 'policyScope') return { code: 'unknown-policy-scope', what: 'policy scope declared by the manifest' };
  if (kind === 'risk' && field === 'category') {
    return { code: 'unknown-annotation-category', what: 'annotation category declared by the manifest' };
  }
  return undefined;
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    '',
  );
}

interface Target {
  file: string;
  /** Set for records; documents such as the manifest have none. */
  kind?: Kind;
  positions: SourcePositions;
  recordId?: string;
  schema: z.ZodType;
}

/** Turns zod issues into diagnostics that point at the line of the field. */
export function schemaDiagnostics(issues: readonly z.core.$ZodIssue[], target: Target): Diagnostic[] {
  return issues.flatMap((issue) => {
    const path = issue.path as PathSegment[];
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(shapeAt(target.schema, path) ?? {});
      return issue.keys.map((key) =>
        make(target, [...path, key], 'unknown-field', `unknown field "${formatPath([...path, key])}"`,
          didYouMean(key, known) ?? `remove it; allowed here: ${known.join(', ')}`),
      );
    }
    const field = formatPath(path) || '(record)';
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return [make(target, path, 'missing-field', `missing required field "${field}"`, `add "${field}" (${issue.expected})`)];
    }
    if (issue.code === 'invalid_value') {
      const values = issue.values.map(String);
      const vocabulary = path.length === 1 ? vocabularyField(target.kind, path[0]) : undefined;
      const given = typeof issue.input === 'string' ? issue.input : JSON.stringify(issue.input);
      const hint = (typeof issue.input === 'string' && didYouMean(issue.input, values)) || `use one of: ${values.join(', ')}`;
      if (vocabulary) {
        return [make(target, path, vocabulary.code, `"${given}" is not a known ${vocabulary.what}`, hint)];
      }
      if (values.length === 1) return [make(target, path, 'invalid-field', `${field}: ${issue.message}`, `set it to "${values[0]}" or remove it`)];
      return [make(target, path, 'invalid-field', `${field}: "${given}" is not allowed`, hint)];
    }
    return [make(target, path, 'invalid-field', `${field}: ${issue.message}`, hintFor(issue))];
  });
}

function hintFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `give a ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'array' ? `list at least ${String(issue.minimum)} item(s)` : 'give a non-empty value';
    default:
      return 'correct the value as described';
  }
}

function make(target: Target, path: PathSegment[], code: string, message: string, hint: string): Diagnostic {
  const { line, col } = target.positions.of(path);
  return {
    file: target.file,
    line,
    col,
    severity: 'error',
    code,
    message,
    hint,
    ...(target.recordId ? { recordId: target.recordId } : {}),
  };
}

/** The object shape a path leads to in a schema, to name the allowed fields. */
function shapeAt(schema: z.ZodType, path: readonly PathSegment[]): Record<string, z.ZodType> | undefined {
  let current: z.ZodType | undefined = schema;
  for (const seg of path) {
    if (!current) return undefined;
    current = unwrapSchema(current);
    if (typeof seg === 'number' && current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (typeof seg === 'string' && current instanceof z.ZodObject) current = current.shape[seg] as z.ZodType | undefined;
    else return undefined;
  }
  if (!current) return undefined;
  current = unwrapSchema(current);
  return current instanceof z.ZodObject ? (current.shape as Record<string, z.ZodType>) : undefined;
}
