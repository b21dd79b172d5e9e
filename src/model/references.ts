import { z } from 'zod';
import type { Kind } from './kinds.ts';

/**
 * References between records are declared in the schemas themselves: a field
 * built with `ref()` carries the kinds it may point to. The graph and the
 * reference checks read this metadata, so a relation is declared once.
 */
export interface RefMeta {
  /** Kinds the id may name; `any` for fields such as a risk's `affects`. */
  targets: readonly Kind[] | 'any';
}

export const refRegistry = z.registry<RefMeta>();

export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const idSchema = z
  .string()
  .regex(ID_PATTERN, { error: 'must be a lowercase slug: letters, digits and single hyphens (e.g. gitea-registry)' });

export function ref(...targets: Kind[]) {
  const schema = idSchema.meta({ description: `id of a record of kind ${targets.join(' or ')}` });
  refRegistry.add(schema, { targets });
  return schema;
}

export function anyRef() {
  const schema = idSchema.meta({ description: 'id of any record' });
  refRegistry.add(schema, { targets: 'any' });
  return schema;
}

export type PathSegment = string | number;

export interface FoundRef {
  /** Where in the record the id stands, e.g. ['requires', 0, 'endpoint']. */
  path: PathSegment[];
  /** The top-level field, which names the relation (e.g. `dependsOn`). */
  field: string;
  id: string;
  targets: readonly Kind[] | 'any';
}

// Records are read-only and the two sides of a diff share the data of every file the change left alone:
// a value's references are found once per schema.
const refsOf = new WeakMap<z.ZodType, WeakMap<object, readonly FoundRef[]>>();

/** Walks a schema and a value of it together, yielding every reference; the list is shared, not to be changed. */
export function collectRefs(schema: z.ZodType, value: unknown): readonly FoundRef[] {
  const memo = typeof value === 'object' && value !== null ? (refsOf.get(schema) ?? refsOf.set(schema, new WeakMap()).get(schema)!) : undefined;
  const known = memo?.get(value as object);
  if (known) return known;
  const found: FoundRef[] = [];
  walk(schema, value, [], found);
  memo?.set(value as object, found);
  return found;
}

// zod's registry.get copies metadata down each schema's parent chain on every
// call, and most fields hold no reference: the graph walks every record, so
// what the walk does at each schema is worked out once.
type Step = { ref: RefMeta } | { items: z.ZodType } | { fields: Array<[string, z.ZodType]> } | null;
const stepOf = new WeakMap<z.ZodType, Step>();

/** What the walk does at a schema: take a reference, go into the items or into the fields (in shape order) that can hold one, or stop. */
function step(schema: z.ZodType): Step {
  let found = stepOf.get(schema);
  if (found !== undefined) return found;
  const meta = refRegistry.get(schema);
  const inner = unwrapSchema(schema);
  if (meta) found = { ref: meta };
  else if (inner !== schema) found = step(inner);
  else if (schema instanceof z.ZodArray) found = step(schema.element as z.ZodType) === null ? null : { items: schema.element as z.ZodType };
  else if (schema instanceof z.ZodObject) {
    const fields = Object.entries(schema.shape as Record<string, z.ZodType>).filter(([, child]) => step(child) !== null);
    found = fields.length > 0 ? { fields } : null;
  } else found = null;
  stepOf.set(schema, found);
  return found;
}

/** `path` is one array the walk pushes and pops: a reference found keeps a copy. */
function walk(schema: z.ZodType, value: unknown, path: PathSegment[], out: FoundRef[]): void {
  if (value === undefined || value === null) return;
  const next = step(schema);
  if (next === null) return;
  if ('ref' in next) {
    if (typeof value === 'string') out.push({ path: [...path], field: String(path[0] ?? ''), id: value, targets: next.ref.targets });
  } else if ('items' in next) {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(next.items, value[i], path, out);
      path.pop();
    }
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of next.fields) {
      path.push(key);
      walk(child, (value as Record<string, unknown>)[key], path, out);
      path.pop();
    }
  }
}

/** Strips optional, nullable, default and pipe wrappers down to the value's own schema. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return unwrapSchema(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return unwrapSchema(schema.in as z.ZodType);
  return schema;
}
