import type { z } from 'zod';

/**
 * Response parsing: a body either has the shape a schema describes, or the
 * first field that does not, with zod's description of what is wrong (never
 * the value, which could be a secret). Unknown extra fields are dropped:
 * the schemas are plain objects, not strict ones, because deployments add fields.
 */
export type WireParse<T> = { ok: true; value: T } | { ok: false; field: string; detail: string };

export function parseWire<T extends z.ZodType>(schema: T, body: unknown): WireParse<z.infer<T>> {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, field: issue.path.map(String).join('.'), detail: issue.message };
}
