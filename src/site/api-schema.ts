import { z } from 'zod';
import { evidenceSchema } from '../model/evidence.ts';
import { KIND_LAYOUTS, KINDS, type Kind } from '../model/kinds.ts';
import { idSchema } from '../model/references.ts';
import { buildSchemas } from '../model/schemas.ts';
import type { Vocabulary } from '../model/vocabulary.ts';

/**
 * The static read API (`dist/api/…`), declared once in zod: the builders in
 * api.ts are typed by it, and `npm run schema` writes it as JSON Schema under
 * schemas/api/. A record's fields are its kind's model schema, so the API
 * says exactly what the inventory accepts.
 */

/** Bump on a change that breaks readers (a field removed or renamed). */
export const API_VERSION = 1;

export const API_SCHEMA_DIR = 'schemas/api';

const isoTime = z.iso.datetime().meta({ description: 'ISO 8601 date-time, UTC' });
const count = z.int().min(0);
const counts = z.strictObject({ passed: count, failed: count, stale: count, pending: count });

const envelope = {
  apiVersion: z.literal(API_VERSION),
  now: isoTime.meta({ description: 'the moment the derived facts were derived at (evidence ages against it)' }),
  commit: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .nullable()
    .meta({ description: 'the commit the inventory was read from; null outside a git checkout' }),
};

const countedEvidence = z.strictObject({
  /** The record the evidence is written in: the gate, or a linked endpoint. */
  recordId: idSchema,
  evidence: evidenceSchema,
  ageMs: z.number(),
  expiresAt: isoTime.optional(),
  expired: z.boolean(),
});

export const gateFactsSchema = z.strictObject({
  stated: z.enum(['pending', 'passed', 'failed']),
  effective: z.enum(['passed', 'failed', 'stale', 'pending']).meta({ description: 'derived from the evidence at `now`, never trusted from the record' }),
  reason: z.string(),
  staleAt: isoTime.optional().meta({ description: 'when the earliest counted evidence expires, for a gate that passes' }),
  requirements: z.array(
    z.strictObject({
      name: idSchema,
      description: z.string(),
      state: z.enum(['met', 'failing', 'stale', 'missing']),
      latest: countedEvidence.optional().meta({ description: 'the latest evidence that counts for the requirement' }),
    }),
  ),
});

const coverageFactsSchema = z.strictObject({
  backupSets: z.array(idSchema),
  lastVerifiedBackup: evidenceSchema.optional(),
  lastRestoreTest: evidenceSchema.optional(),
  gaps: z.array(z.enum(['no-backup-set', 'backup-unverified', 'backup-failing', 'restore-untested', 'restore-failing'])),
  gapRisks: z.array(idSchema),
});

const waveFactsSchema = z.strictObject({
  verdict: z.enum(['ready', 'blocked', 'not-ready']),
  reason: z.string(),
  counts,
  gates: z.array(idSchema),
  blockingRisks: z.array(idSchema),
});

const kindSchema = z.enum(KINDS);
const impactCountsSchema = z.strictObject({
  count: count.meta({ description: 'records reached, transitively' }),
  byKind: z.partialRecord(kindSchema, count),
});

const relationsSchema = z.strictObject({
  outgoing: z.array(z.strictObject({ field: z.string(), path: z.string(), to: idSchema })),
  incoming: z.array(z.strictObject({ field: z.string(), path: z.string(), from: idSchema })),
});

const derivedSchema = z.strictObject({
  gate: gateFactsSchema.optional().meta({ description: 'readiness gates: effective status with reasons' }),
  backupCoverage: coverageFactsSchema.optional().meta({ description: 'persistent stores: backup sets, last backup and restore test, gaps' }),
  wave: waveFactsSchema.optional().meta({ description: 'migration waves: gate counts and verdict' }),
  impact: z
    .strictObject({ downstream: impactCountsSchema, upstream: impactCountsSchema })
    .meta({ description: 'downstream: what breaks if this goes down; upstream: what it needs' }),
});

function recordSchema(vocabulary: Vocabulary) {
  const schemas = buildSchemas(vocabulary);
  const common = {
    id: idSchema,
    title: z.string(),
    file: z.string().meta({ description: 'path of the record file, relative to the inventory root' }),
    page: z.string().meta({ description: "path of the record's page, relative to the site base" }),
    body: z.string().optional().meta({ description: 'the Markdown body of a runbook or incident' }),
    relations: relationsSchema,
    derived: derivedSchema,
  };
  const byKind = (kind: Kind) => z.strictObject({ ...common, kind: z.literal(kind), fields: schemas[kind] });
  return z.discriminatedUnion('kind', KIND_LAYOUTS.map((l) => byKind(l.kind)) as unknown as [ReturnType<typeof byKind>, ...ReturnType<typeof byKind>[]]);
}

const impactEntrySchema = z.strictObject({
  id: idSchema,
  kind: kindSchema,
  from: idSchema,
  path: z.array(z.strictObject({ id: idSchema, field: z.string(), phrase: z.string() })).meta({ description: 'a shortest chain from the record to this one; each phrase is said by the dependent ("runs on")' }),
});
const impactListSchema = z.strictObject({ count, byKind: z.partialRecord(kindSchema, count), entries: z.array(impactEntrySchema) });

export function apiSchemas(vocabulary: Vocabulary) {
  const record = recordSchema(vocabulary);
  return {
    inventory: z.strictObject({ ...envelope, records: z.array(record) }),
    record: z.strictObject({
      ...envelope,
      record,
      impact: z
        .strictObject({ downstream: impactListSchema, upstream: impactListSchema })
        .meta({ description: 'the records of derived.impact with their paths, nearest first (capped; `count` counts them all)' }),
    }),
    gates: z.strictObject({
      ...envelope,
      gates: z.array(
        z.strictObject({
          id: idSchema,
          title: z.string(),
          owner: z.string(),
          wave: idSchema.optional(),
          file: z.string(),
          page: z.string(),
          ...gateFactsSchema.shape,
        }),
      ),
    }),
  };
}

export type ApiSchemas = ReturnType<typeof apiSchemas>;
export type InventoryDocument = z.infer<ApiSchemas['inventory']>;
export type RecordDocument = z.infer<ApiSchemas['record']>;
export type GatesDocument = z.infer<ApiSchemas['gates']>;
export type ApiRecordEntry = InventoryDocument['records'][number];
export type GateFacts = z.infer<typeof gateFactsSchema>;

const DOCUMENTS = {
  inventory: ['inventory.json', 'every record with its fields, relations both ways and derived facts'],
  record: ['records/<id>.json', 'one record, with the paths of its impact'],
  gates: ['gates.json', 'every readiness gate with its effective status, evidence and age'],
} as const;

export function apiSchemaFileOf(name: keyof typeof DOCUMENTS): string {
  return `${API_SCHEMA_DIR}/${name}.schema.json`;
}

/**
 * The shared parts under readable names in `$defs` (not repeated per kind);
 * every other description comes from zod's global registry as usual. Named
 * here, not with `.meta({ id })`, which would register the ids process-wide.
 */
const NAMES = new Map<z.ZodType, string>([
  [counts, 'gateCounts'],
  [countedEvidence, 'countedEvidence'],
  [gateFactsSchema, 'gateFacts'],
  [coverageFactsSchema, 'backupCoverage'],
  [waveFactsSchema, 'waveFacts'],
  [impactCountsSchema, 'impactCounts'],
  [relationsSchema, 'relations'],
  [derivedSchema, 'derivedFacts'],
  [impactListSchema, 'impactList'],
]);
const NAMED_PARTS = {
  get: (schema: z.ZodType) => {
    const id = NAMES.get(schema);
    const meta = z.globalRegistry.get(schema);
    return id ? { ...meta, id } : meta;
  },
} as unknown as typeof z.globalRegistry;

/** JSON Schema of each API file, generated from the zod model with the vocabulary of the inventory. */
export function apiJsonSchemas(vocabulary: Vocabulary): Map<string, string> {
  const schemas = apiSchemas(vocabulary);
  const files = new Map<string, string>();
  for (const [name, [file, description]] of Object.entries(DOCUMENTS) as Array<[keyof typeof DOCUMENTS, (typeof DOCUMENTS)[keyof typeof DOCUMENTS]]>) {
    const json = z.toJSONSchema(schemas[name], { io: 'output', unrepresentable: 'any', metadata: NAMED_PARTS });
    const document = { title: `ops-hub read API: ${file}`, description: `dist/api/${file}: ${description}`, ...json };
    files.set(apiSchemaFileOf(name), `${JSON.stringify(document, null, 2)}\n`);
  }
  return files;
}
