/** The record kinds, where their files live and how they are written. */
export const KINDS = [
  'environment',
  'host',
  'cluster',
  'service',
  'endpoint',
  'release',
  'backup-set',
  'runbook',
  'incident',
  'readiness-gate',
  'migration-wave',
  'risk',
] as const;

export type Kind = (typeof KINDS)[number];

export type FileFormat = 'yaml' | 'markdown';

export interface KindLayout {
  kind: Kind;
  /** Folder relative to the inventory root, with `/` separators. */
  dir: string;
  format: FileFormat;
  /** Human label for lists, e.g. "Backup sets". */
  plural: string;
}

const layout = (kind: Kind, dir: string, plural: string, format: FileFormat = 'yaml'): KindLayout => ({
  kind,
  dir,
  format,
  plural,
});

export const KIND_LAYOUTS: readonly KindLayout[] = [
  layout('environment', 'inventory/environments', 'Environments'),
  layout('host', 'inventory/hosts', 'Hosts'),
  layout('cluster', 'inventory/clusters', 'Clusters'),
  layout('service', 'inventory/services', 'Services'),
  layout('endpoint', 'inventory/endpoints', 'Endpoints'),
  layout('release', 'inventory/releases', 'Releases'),
  layout('backup-set', 'inventory/backup-sets', 'Backup sets'),
  layout('runbook', 'inventory/runbooks', 'Runbooks', 'markdown'),
  layout('incident', 'inventory/incidents', 'Incidents', 'markdown'),
  layout('readiness-gate', 'gates', 'Readiness gates'),
  layout('migration-wave', 'inventory/migration-waves', 'Migration waves'),
  layout('risk', 'inventory/risks', 'Risks'),
];

export function layoutOf(kind: Kind): KindLayout {
  const found = KIND_LAYOUTS.find((l) => l.kind === kind);
  if (!found) throw new Error(`no layout for kind ${kind}`);
  return found;
}

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/** Registry of owning repositories (not a record kind). */
export const OWNERS_FILE = 'inventory/owners.yaml';

/** Widget type a record kind maps to; each must be declared by the manifest. */
export function widgetTypeOf(kind: Kind): string {
  return `ops-${kind}`;
}
