import { z } from 'zod';
import type { ObjectRef } from '../output/discover-report.ts';
import { DiscoverInputError } from './input-error.ts';

export interface K8sNode {
  ref: ObjectRef;
  /** InternalIP, ExternalIP, Hostname… as the node reports them. */
  addresses: Array<{ type: string; address: string }>;
}

/** Something that runs: a Deployment, StatefulSet, DaemonSet or CloudNativePG Cluster. */
export interface Workload {
  ref: ObjectRef;
  /** Labels its pods carry, which Services select. */
  podLabels: Record<string, string>;
}

export interface K8sService {
  ref: ObjectRef;
  selector: Record<string, string>;
}

export interface Ingress {
  ref: ObjectRef;
  rules: Array<{ host?: string; services: string[] }>;
  tls: Array<{ hosts: string[]; secretName?: string }>;
  defaultService?: string;
}

export interface Certificate {
  ref: ObjectRef;
  dnsNames: string[];
  secretName: string;
  /** `Kind/name` of the issuer, e.g. `ClusterIssuer/letsencrypt`. */
  issuer: string;
  /** The status of its Ready condition: True, False or Unknown (no condition yet). */
  ready: string;
  reason?: string;
  message?: string;
  notAfter?: string;
}

export interface PgCluster {
  ref: ObjectRef;
  instances?: number;
  /** How it is backed up, when its spec says: barmanObjectStore or volumeSnapshot. */
  backupMethod?: string;
  /** How long backups are kept, e.g. `30d`. */
  retentionPolicy?: string;
}

export interface Backup {
  ref: ObjectRef;
  /** The CloudNativePG cluster it backs up (same namespace). */
  cluster: string;
  phase?: string;
  startedAt?: string;
  stoppedAt?: string;
  createdAt?: string;
  error?: string;
  method?: string;
  /** The ScheduledBackup that created it, when one did. */
  scheduledBackup?: string;
}

export interface ScheduledBackup {
  ref: ObjectRef;
  cluster: string;
  /** Cron with seconds, as CloudNativePG takes it (`0 0 2 * * *`). */
  schedule: string;
  suspended: boolean;
}

/** One or more `kubectl get … -o json` Lists, merged; only the kinds discovery reads. */
export interface Snapshot {
  files: string[];
  nodes: K8sNode[];
  namespaces: string[];
  workloads: Workload[];
  services: K8sService[];
  ingresses: Ingress[];
  certificates: Certificate[];
  pgClusters: PgCluster[];
  backups: Backup[];
  scheduledBackups: ScheduledBackup[];
  /** Objects read, by `apiVersion kind`. */
  read: Record<string, number>;
  /** Objects of other kinds (Secrets and ConfigMaps among them), by `apiVersion kind`: counted, their content never looked at. */
  ignored: Record<string, number>;
}

const labels = z.record(z.string(), z.string());
/** Kubernetes writes times as RFC 3339 (`2026-06-30T02:10:04Z`). */
const time = z.iso.datetime({ offset: true });
const metadata = z.object({
  name: z.string().min(1),
  namespace: z.string().min(1),
  labels: labels.optional(),
  creationTimestamp: time.optional(),
  ownerReferences: z.array(z.object({ kind: z.string(), name: z.string() })).optional(),
});
const clusterScoped = z.object({ metadata: metadata.partial({ namespace: true }) });
const reference = z.object({ name: z.string().min(1) });
const conditions = z.array(z.object({ type: z.string(), status: z.string(), reason: z.string().optional(), message: z.string().optional() })).optional();
const podTemplate = z.object({ spec: z.object({ template: z.object({ metadata: z.object({ labels: labels.optional() }).optional() }).optional() }) });
const ingressBackend = z.object({ service: reference.optional() }).optional();

type Meta = z.infer<typeof metadata>;
const refOf = (apiVersion: string, kind: string, m: Partial<Meta> & { name: string }): ObjectRef => ({ apiVersion, kind, ...(m.namespace ? { namespace: m.namespace } : {}), name: m.name });

/**
 * One reader per kind discovery reads, keyed by `apiVersion kind`: a loose zod
 * schema (unknown fields are dropped) and what the object contributes.
 */
const READERS = {
  'v1 Node': (apiVersion: string, kind: string) =>
    clusterScoped
      .extend({ status: z.object({ addresses: z.array(z.object({ type: z.string(), address: z.string() })).optional() }).optional() })
      .transform((o) => ({ nodes: [{ ref: refOf(apiVersion, kind, o.metadata), addresses: o.status?.addresses ?? [] }] })),
  'v1 Namespace': () => clusterScoped.transform((o) => ({ namespaces: [o.metadata.name] })),
  'apps/v1 Deployment': workload,
  'apps/v1 StatefulSet': workload,
  'apps/v1 DaemonSet': workload,
  'v1 Service': (apiVersion: string, kind: string) =>
    z.object({ metadata, spec: z.object({ selector: labels.optional() }).optional() })
      .transform((o) => ({ services: [{ ref: refOf(apiVersion, kind, o.metadata), selector: o.spec?.selector ?? {} }] })),
  'networking.k8s.io/v1 Ingress': (apiVersion: string, kind: string) =>
    z.object({
      metadata,
      spec: z.object({
        defaultBackend: ingressBackend,
        rules: z.array(z.object({ host: z.string().optional(), http: z.object({ paths: z.array(z.object({ backend: ingressBackend })) }).optional() })).optional(),
        tls: z.array(z.object({ hosts: z.array(z.string()).optional(), secretName: z.string().optional() })).optional(),
      }),
    }).transform((o) => ({
      ingresses: [{
        ref: refOf(apiVersion, kind, o.metadata),
        rules: (o.spec.rules ?? []).map((r) => ({
          ...(r.host ? { host: r.host.toLowerCase() } : {}),
          services: (r.http?.paths ?? []).flatMap((p) => (p.backend?.service ? [p.backend.service.name] : [])),
        })),
        tls: (o.spec.tls ?? []).map((t) => ({ hosts: (t.hosts ?? []).map((h) => h.toLowerCase()), ...(t.secretName ? { secretName: t.secretName } : {}) })),
        ...(o.spec.defaultBackend?.service ? { defaultService: o.spec.defaultBackend.service.name } : {}),
      }],
    })),
  'cert-manager.io/v1 Certificate': (apiVersion: string, kind: string) =>
    z.object({
      metadata,
      spec: z.object({
        commonName: z.string().optional(),
        dnsNames: z.array(z.string()).optional(),
        secretName: z.string().min(1),
        issuerRef: z.object({ name: z.string().min(1), kind: z.string().optional() }),
      }),
      status: z.object({ conditions, notAfter: time.optional() }).optional(),
    }).transform((o) => {
      const ready = o.status?.conditions?.find((c) => c.type === 'Ready');
      const names = [...(o.spec.dnsNames ?? []), ...(o.spec.commonName ? [o.spec.commonName] : [])].map((n) => n.toLowerCase());
      return {
        certificates: [{
          ref: refOf(apiVersion, kind, o.metadata),
          dnsNames: [...new Set(names)],
          secretName: o.spec.secretName,
          // cert-manager's default issuer kind is Issuer (namespaced).
          issuer: `${o.spec.issuerRef.kind ?? 'Issuer'}/${o.spec.issuerRef.name}`,
          ready: ready?.status ?? 'Unknown',
          ...(ready?.reason ? { reason: ready.reason } : {}),
          ...(ready?.message ? { message: ready.message } : {}),
          ...(o.status?.notAfter ? { notAfter: o.status.notAfter } : {}),
        }],
      };
    }),
  'postgresql.cnpg.io/v1 Cluster': (apiVersion: string, kind: string) =>
    z.object({
      metadata,
      spec: z.object({
        instances: z.number().int().optional(),
        backup: z.object({ barmanObjectStore: z.unknown().optional(), volumeSnapshot: z.unknown().optional(), retentionPolicy: z.string().optional() }).optional(),
      }),
    }).transform((o) => {
      const ref = refOf(apiVersion, kind, o.metadata);
      const backup = o.spec.backup;
      const method = backup?.barmanObjectStore !== undefined ? 'barmanObjectStore' : backup?.volumeSnapshot !== undefined ? 'volumeSnapshot' : undefined;
      return {
        // CloudNativePG labels every instance pod with its cluster's name.
        workloads: [{ ref, podLabels: { 'cnpg.io/cluster': ref.name } }],
        pgClusters: [{ ref, ...(o.spec.instances !== undefined ? { instances: o.spec.instances } : {}), ...(method ? { backupMethod: method } : {}), ...(backup?.retentionPolicy ? { retentionPolicy: backup.retentionPolicy } : {}) }],
      };
    }),
  'postgresql.cnpg.io/v1 Backup': (apiVersion: string, kind: string) =>
    z.object({
      metadata,
      spec: z.object({ cluster: reference, method: z.string().optional() }),
      status: z.object({ phase: z.string().optional(), startedAt: time.optional(), stoppedAt: time.optional(), error: z.string().optional(), method: z.string().optional() }).optional(),
    }).transform((o) => {
      const owner = o.metadata.ownerReferences?.find((r) => r.kind === 'ScheduledBackup')?.name ?? o.metadata.labels?.['cnpg.io/scheduled-backup'];
      const method = o.status?.method ?? o.spec.method;
      const s = o.status ?? {};
      return {
        backups: [{
          ref: refOf(apiVersion, kind, o.metadata),
          cluster: o.spec.cluster.name,
          ...(s.phase ? { phase: s.phase } : {}),
          ...(s.startedAt ? { startedAt: s.startedAt } : {}),
          ...(s.stoppedAt ? { stoppedAt: s.stoppedAt } : {}),
          ...(o.metadata.creationTimestamp ? { createdAt: o.metadata.creationTimestamp } : {}),
          ...(s.error ? { error: s.error } : {}),
          ...(method ? { method } : {}),
          ...(owner ? { scheduledBackup: owner } : {}),
        }],
      };
    }),
  'postgresql.cnpg.io/v1 ScheduledBackup': (apiVersion: string, kind: string) =>
    z.object({ metadata, spec: z.object({ schedule: z.string().min(1), cluster: reference, suspend: z.boolean().optional() }) })
      .transform((o) => ({ scheduledBackups: [{ ref: refOf(apiVersion, kind, o.metadata), cluster: o.spec.cluster.name, schedule: o.spec.schedule, suspended: o.spec.suspend === true }] })),
};

function workload(apiVersion: string, kind: string) {
  return podTemplate
    .extend({ metadata })
    .transform((o) => ({ workloads: [{ ref: refOf(apiVersion, kind, o.metadata), podLabels: o.spec.template?.metadata?.labels ?? {} }] }));
}

type Contribution = Partial<Pick<Snapshot, 'nodes' | 'namespaces' | 'workloads' | 'services' | 'ingresses' | 'certificates' | 'pgClusters' | 'backups' | 'scheduledBackups'>>;

/** The kinds discovery reads, as `kubectl get` names them (group-qualified so no other API's kind of the same name answers). */
export const SNAPSHOT_RESOURCES = [
  'nodes',
  'namespaces',
  'deployments.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'services',
  'ingresses.networking.k8s.io',
  'certificates.cert-manager.io',
  'clusters.postgresql.cnpg.io',
  'backups.postgresql.cnpg.io',
  'scheduledbackups.postgresql.cnpg.io',
] as const;

const HOW = 'a snapshot is what `kubectl get <kinds> -A -o json` prints (see README "Discovery")';
const listSchema = z.object({ kind: z.string().regex(/List$/), items: z.array(z.unknown()) });
const typed = z.object({ apiVersion: z.string().min(1), kind: z.string().min(1) });

/** Reads snapshots (JSON text by file name) into one; a later file's object replaces an earlier one of the same identity. */
export function parseSnapshots(texts: ReadonlyArray<{ file: string; text: string }>): Snapshot {
  const objects = new Map<string, Contribution>();
  // A reader's schema is built once per run, not once per object.
  const schemas = new Map<string, z.ZodType<Contribution>>();
  const read: Record<string, number> = {};
  const ignored: Record<string, number> = {};
  for (const { file, text } of texts) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new DiscoverInputError('snapshot-not-json', `${file}: not JSON (${(err as Error).message}); ${HOW}`);
    }
    const list = listSchema.safeParse(json);
    if (!list.success) {
      const kind = (json as { kind?: unknown } | null)?.kind;
      throw new DiscoverInputError('snapshot-not-a-list', `${file}: not a Kubernetes List${typeof kind === 'string' ? ` (kind: ${kind})` : ''}; ${HOW}`);
    }
    list.data.items.forEach((item, i) => {
      const at = `${file}: items[${i}]`;
      const type = typed.safeParse(item);
      if (!type.success) throw new DiscoverInputError('snapshot-invalid-object', `${at} has no apiVersion and kind; ${HOW}`);
      const { apiVersion, kind } = type.data;
      const key = `${apiVersion} ${kind}`;
      const reader = (READERS as Record<string, ((apiVersion: string, kind: string) => z.ZodType<Contribution>) | undefined>)[key];
      if (reader && !schemas.has(key)) schemas.set(key, reader(apiVersion, kind));
      const schema = schemas.get(key);
      if (!schema) {
        // Secrets and ConfigMaps land here too: only their kind is ever looked at.
        ignored[key] = (ignored[key] ?? 0) + 1;
        return;
      }
      const parsed = schema.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const name = nameOf(item);
        throw new DiscoverInputError(
          'snapshot-invalid-object',
          `${at} (${key}${name ? ` ${name}` : ''}): ${issue.path.join('.') || '(object)'}: ${issue.message}; take the snapshot again, ${HOW}`,
        );
      }
      read[key] = (read[key] ?? 0) + 1;
      objects.set(`${key} ${nameOf(item)}`, parsed.data);
    });
  }
  const all = [...objects.values()];
  const gather = <K extends keyof Contribution>(field: K) => all.flatMap((c) => (c[field] ?? []) as unknown[]) as NonNullable<Contribution[K]>;
  return {
    files: texts.map((t) => t.file),
    nodes: gather('nodes'),
    namespaces: gather('namespaces'),
    workloads: gather('workloads'),
    services: gather('services'),
    ingresses: gather('ingresses'),
    certificates: gather('certificates'),
    pgClusters: gather('pgClusters'),
    backups: gather('backups'),
    scheduledBackups: gather('scheduledBackups'),
    read,
    ignored,
  };
}

function nameOf(item: unknown): string {
  const m = (item as { metadata?: { namespace?: unknown; name?: unknown } }).metadata;
  const part = (v: unknown) => (typeof v === 'string' ? v : '');
  return [part(m?.namespace), part(m?.name)].filter(Boolean).join('/');
}

/** `apiVersion/kind/namespace/name`: how findings and keys name an object. */
export function refPath(ref: ObjectRef): string {
  return [ref.apiVersion, ref.kind, ref.namespace, ref.name].filter((p) => p !== undefined).join('/');
}

