import type { PathSegment } from '../model/references.ts';

/** A record's fields flattened to paths (`expect.headers.Accept`, `requires[0].name`). */
export function flattenFields(value: unknown, path: PathSegment[] = [], out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) {
    value.forEach((item, i) => flattenFields(item, [...path, i], out));
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flattenFields(child, [...path, key], out);
  } else if (path.length > 0) {
    out.set(fieldPath(path), value);
  }
  return out;
}

export function fieldPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/** One-line text of a scalar or list of scalars. */
export function fieldText(value: unknown): string {
  if (Array.isArray(value)) return value.map(fieldText).join(', ');
  if (value === undefined || value === null) return '—';
  return String(value);
}
