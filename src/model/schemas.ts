import { z } from 'zod';
import { collectorSchema, evidenceSchema, evidenceSourceSchema } from './evidence.ts';
import { layoutOf, type Kind } from './kinds.ts';
import { anyRef, idSchema, ref } from './references.ts';
import { durationSchema, timestampSchema } from './time.ts';
import type { Registry, Vocabulary } from './vocabulary.ts';

// zod compiles a parser for each object schema the first time it parses one
// (new Function). That pays off only over thousands of records of a kind, and
// does not even then: 10,000 cold records validate as fast without it, while a
// run with the record cache, which validates the manifest, the owners and the
// few changed files, spent 30-80 ms compiling. Parsing is the same either way.
z.config({ jitless: true });

const text = z.string().min(1);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const linkSchema = z.strictObject({ title: text, url: httpUrl });

/** Statuses a record of each kind may state. `retired`-like ones end the record's life. */
export const STATUSES = {
  environment: ['active', 'planned', 'retired'],
  host: ['active', 'planned', 'retired', 'unknown'],
  cluster: ['active', 'planned', 'retired', 'unknown'],
  service: ['active', 'degraded', 'planned', 'retired', 'unknown', 'draft'],
  endpoint: ['active', 'degraded', 'planned', 'retired', 'unknown', 'draft'],
  release: ['current', 'planned', 'superseded', 'retired'],
  'backup-set': ['active', 'planned', 'retired', 'unknown', 'draft'],
  runbook: ['draft', 'reviewed', 'retired'],
  incident: ['open', 'mitigated', 'resolved'],
  'readiness-gate': ['pending', 'passed', 'failed'],
  'migration-wave': ['planned', 'in-progress', 'done', 'cancelled'],
  risk: ['raised', 'accepted', 'mitigated'],
} as const satisfies Record<Kind, readonly [string, ...string[]]>;

export const RETIRED_STATUSES: ReadonlySet<string> = new Set(['retired', 'superseded', 'cancelled']);

export const SERVICE_CATEGORIES = [
  'application',
  'platform',
  'datastore',
  'registry',
  'hub',
  'ingress',
  'dns',
  'tls',
  'observability',
  'secrets',
] as const;

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

function nonEmptyNames(values: readonly string[]): [string, ...string[]] {
  // z.enum needs at least one value; an empty list can never match anything real.
  return values.length > 0 ? [values[0]!, ...values.slice(1)] : ['(none declared)'];
}

/**
 * A field that names something a registry declares: one of its names, or
 * (when the registry did not load, so its names are unknown) any id, which
 * validate reports once instead of on every record (check/vocabulary.ts).
 */
function declared(vocab: Vocabulary, registry: Registry, names: readonly string[]) {
  return vocab.unloaded.includes(registry) ? idSchema : z.enum(nonEmptyNames(names));
}

function envelope<K extends Kind>(kind: K, vocab: Vocabulary) {
  return {
    id: idSchema,
    kind: z
      .literal(kind, { error: `the folder ${layoutOf(kind).dir}/ holds ${kind} records` })
      .optional(),
    title: text,
    description: z.string().optional(),
    owner: declared(vocab, 'owners', vocab.owners),
    policyScope: declared(vocab, 'manifest', vocab.policyScopes),
    status: z.enum(STATUSES[kind]),
    tags: z.array(idSchema).optional(),
    links: z.array(linkSchema).optional(),
  };
}

/**
 * A named piece of evidence a gate needs. Besides the gate's own evidence
 * items, it counts an endpoint's evidence, or a data store's backup evidence
 * (graph/gate-status.ts says how each decides).
 */
const requirementSchema = z
  .strictObject({
    name: idSchema,
    description: text,
    /** Evidence recorded on this endpoint (by the probe, discover or people) also meets the requirement. */
    endpoint: ref('endpoint').optional(),
    collector: collectorSchema.optional().meta({
      description: "only the endpoint's evidence this collector wrote counts (probe: HTTP answers, discover: certificates); default: any",
    }),
    /** A persistent data store: met by a fresh passing verified backup and restore test of its backup sets. */
    store: ref('service').optional(),
    maxAge: durationSchema.optional(),
  })
  .refine((r) => r.endpoint === undefined || r.store === undefined, {
    path: ['store'],
    error: 'a requirement takes evidence from an endpoint or from a store, not both: split it into two requirements',
  })
  .refine((r) => r.collector === undefined || r.endpoint !== undefined, {
    path: ['collector'],
    error: "collector chooses among an endpoint's evidence: add endpoint: too, or remove collector:",
  });

/**
 * The Kubernetes objects a record may stand for, by record kind (discovery,
 * `npm run discover`). `Cluster` is a CloudNativePG cluster
 * (postgresql.cnpg.io/v1); a backup set names it, or the ScheduledBackup
 * whose backups it covers.
 */
export const K8S_OBJECT_KINDS = {
  service: ['Deployment', 'StatefulSet', 'DaemonSet', 'Cluster'],
  endpoint: ['Ingress'],
  'backup-set': ['Cluster', 'ScheduledBackup'],
} as const;

const k8sLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const k8sSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Where a record lives in its cluster; without it discovery looks for the record's id (see README "Discovery"). */
function k8sBlock(kinds: readonly [string, ...string[]]) {
  return z.strictObject({
    namespace: z.string().max(63).regex(k8sLabel, { error: 'must be a Kubernetes namespace: lowercase letters, digits and "-"' }),
    kind: z.enum(kinds),
    name: z.string().max(253).regex(k8sSubdomain, { error: 'must be a Kubernetes object name: lowercase letters, digits, "-" and "."' }),
  });
}

/** One strict schema per kind: an unknown field is an error, so typos never pass silently. */
export function buildSchemas(vocab: Vocabulary) {
  return {
    environment: z.strictObject({
      ...envelope('environment', vocab),
      role: text,
    }),
    host: z.strictObject({
      ...envelope('host', vocab),
      environment: ref('environment'),
      publicIp: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
      hostname: z.string().optional(),
      provider: z.string().optional(),
      roles: z.array(text).optional(),
    }),
    cluster: z.strictObject({
      ...envelope('cluster', vocab),
      environment: ref('environment'),
      hosts: z.array(ref('host')).min(1),
      distribution: text,
    }),
    service: z.strictObject({
      ...envelope('service', vocab),
      environment: ref('environment'),
      cluster: ref('cluster').optional(),
      host: ref('host').optional(),
      namespace: z.string().optional(),
      category: z.enum(SERVICE_CATEGORIES),
      /** Holds data that must survive a rebuild, so it needs backup coverage. */
      persistent: z.boolean().optional(),
      dependsOn: z.array(ref('service')).optional(),
      datastores: z.array(ref('service')).optional(),
      repo: z.string().optional(),
      k8s: k8sBlock(K8S_OBJECT_KINDS.service).optional(),
    }),
    endpoint: z.strictObject({
      ...envelope('endpoint', vocab),
      service: ref('service'),
      url: httpUrl,
      method: z.enum(['GET', 'HEAD', 'OPTIONS']).optional(),
      expect: z.strictObject({
        status: z.int().min(100).max(599),
        headers: z.record(z.string(), z.string()).optional(),
      }),
      evidence: z.array(evidenceSchema).optional(),
      k8s: k8sBlock(K8S_OBJECT_KINDS.endpoint).optional(),
    }),
    release: z.strictObject({
      ...envelope('release', vocab),
      service: ref('service'),
      version: text,
      observedAt: timestampSchema,
      source: evidenceSourceSchema.optional(),
    }),
    'backup-set': z.strictObject({
      ...envelope('backup-set', vocab),
      service: ref('service'),
      method: z.string().optional(),
      target: z.string().optional(),
      schedule: z.string().optional(),
      retention: z.string().optional(),
      lastVerifiedBackup: evidenceSchema.optional(),
      lastRestoreTest: evidenceSchema.optional(),
      k8s: k8sBlock(K8S_OBJECT_KINDS['backup-set']).optional(),
    }),
    runbook: z.strictObject({
      ...envelope('runbook', vocab),
      services: z.array(ref('service')).optional(),
      executions: z.array(evidenceSchema).optional(),
    }),
    incident: z.strictObject({
      ...envelope('incident', vocab),
      services: z.array(ref('service')).min(1),
      severity: z.enum(SEVERITIES),
      startedAt: timestampSchema,
      resolvedAt: timestampSchema.optional(),
      timeline: z.array(z.strictObject({ at: timestampSchema, note: text })).optional(),
    }),
    'readiness-gate': z.strictObject({
      ...envelope('readiness-gate', vocab),
      wave: ref('migration-wave').optional(),
      requirement: text,
      requires: z.array(requirementSchema).optional(),
      evidence: z.array(evidenceSchema).optional(),
      concerns: z.array(anyRef()).optional(),
    }),
    'migration-wave': z.strictObject({
      ...envelope('migration-wave', vocab),
      from: ref('environment'),
      to: ref('environment'),
      targetDate: timestampSchema.optional(),
    }),
    risk: z.strictObject({
      ...envelope('risk', vocab),
      affects: z.array(anyRef()).min(1),
      category: declared(vocab, 'manifest', vocab.annotationCategories),
      severity: z.enum(SEVERITIES),
      raisedAt: timestampSchema.optional(),
      mitigation: z.string().optional(),
      source: evidenceSourceSchema.optional(),
    }),
  } satisfies Record<Kind, z.ZodType>;
}

export type KindSchemas = ReturnType<typeof buildSchemas>;
export type RecordData<K extends Kind = Kind> = z.infer<KindSchemas[K]>;
export type Requirement = z.infer<typeof requirementSchema>;
