import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { layoutOf, OWNERS_FILE, type Kind } from '../../src/model/kinds.ts';
import { MANIFEST_FILE } from '../../src/model/vocabulary.ts';

/**
 * A synthetic, valid inventory of about N records over all kinds with
 * realistic relations, for benchmarks and scale tests. Deterministic: the
 * same N gives the same files.
 */
const SHARE: ReadonlyArray<[Kind, number]> = [
  ['environment', 2],
  ['host', 6],
  ['cluster', 3],
  ['service', 30],
  ['endpoint', 15],
  ['release', 10],
  ['backup-set', 8],
  ['runbook', 5],
  ['incident', 4],
  ['readiness-gate', 8],
  ['migration-wave', 1],
  ['risk', 8],
];

const OWNERS = ['railiance-infra', 'railiance-cluster', 'railiance-platform', 'railiance-enablement', 'railiance-apps'];
const SCOPES = ['ops-transitional-prod', 'ops-production', 'ops-threephoenix', 'ops-registry'];
const CATEGORIES = ['ops-drift', 'ops-security-gap', 'ops-routing-gap', 'ops-readiness-blocker', 'ops-migration-risk'];

export interface SyntheticFile {
  file: string;
  text: string;
}

export function syntheticInventory(total: number, observedAt = '2026-06-01T00:00:00Z'): SyntheticFile[] {
  const count = (kind: Kind) => Math.max(kind === 'environment' ? 2 : 1, Math.round((total * SHARE.find(([k]) => k === kind)![1]) / 100));
  const ids = (prefix: string, kind: Kind) => Array.from({ length: count(kind) }, (_, i) => `${prefix}-${i}`);
  const envs = ids('env', 'environment');
  const hosts = ids('host', 'host');
  const clusters = ids('cluster', 'cluster');
  const services = ids('svc', 'service');
  const persistent = (i: number) => i % 4 === 3;
  const stores = services.filter((_, i) => persistent(i));
  const envOfCluster = (c: number) => envs[c % envs.length]!;
  const clusterOfService = (s: number) => s % clusters.length;
  const waves = ids('wave', 'migration-wave');
  const endpoints = ids('ep', 'endpoint');
  const gates = ids('gate', 'readiness-gate');

  const files: SyntheticFile[] = [];
  const add = (kind: Kind, id: string, data: Record<string, unknown>, body?: string) => {
    const { dir, format } = layoutOf(kind);
    const envelope = {
      id,
      title: `${kind} ${id}`,
      description: `Synthetic ${kind} for scale tests.`,
      owner: OWNERS[id.length % OWNERS.length],
      policyScope: SCOPES[id.length % SCOPES.length],
      ...data,
    };
    const yaml = stringify(envelope);
    files.push(
      format === 'yaml'
        ? { file: `${dir}/${id}.yaml`, text: yaml }
        : { file: `${dir}/${id}.md`, text: `---\n${yaml}---\n# ${id}\n\n${body ?? ''}\n` },
    );
  };
  const evidence = (i: number, extra: Record<string, unknown> = {}) => ({
    ...extra,
    result: 'pass',
    observedAt,
    maxAge: i % 3 === 0 ? 'P30D' : 'P365D',
    summary: `checked ${i}`,
    source: { workplan: `SYN-WP-${i}` },
  });

  envs.forEach((id, i) => add('environment', id, { status: 'active', role: `Synthetic role ${i}` }));
  hosts.forEach((id, i) =>
    add('host', id, { status: 'active', environment: envOfCluster(i % clusters.length), publicIp: `198.51.${Math.floor(i / 250) % 250}.${(i % 250) + 1}` }),
  );
  clusters.forEach((id, c) =>
    add('cluster', id, {
      status: 'active',
      environment: envOfCluster(c),
      hosts: hosts.filter((_, h) => h % clusters.length === c).slice(0, 3),
      distribution: 'k3s',
    }),
  );
  services.forEach((id, s) => {
    const c = clusterOfService(s);
    const earlier = (k: number) => services[s - k * clusters.length];
    const store = s - (s % 4) - 1;
    add('service', id, {
      status: 'active',
      environment: envOfCluster(c),
      cluster: clusters[c],
      namespace: `ns-${s % 7}`,
      category: persistent(s) ? 'datastore' : 'application',
      ...(persistent(s) ? { persistent: true } : {}),
      // Relations only point at earlier services: realistic fan-in, never a cycle.
      ...(earlier(1) ? { dependsOn: [earlier(1), earlier(2)].filter(Boolean) } : {}),
      ...(!persistent(s) && store >= 0 ? { datastores: [services[store]] } : {}),
    });
  });
  endpoints.forEach((id, i) =>
    add('endpoint', id, {
      status: 'active',
      service: services[i % services.length],
      url: `https://svc-${i}.example.test/health`,
      expect: { status: 200, headers: { 'content-type': 'application/json' } },
      evidence: [evidence(i, { observed: { status: 200, latencyMs: 20 + (i % 50) } })],
    }),
  );
  ids('rel', 'release').forEach((id, i) =>
    add('release', id, { status: 'current', service: services[i % services.length], version: `1.${i % 20}.${i % 7}`, observedAt }),
  );
  ids('bak', 'backup-set').forEach((id, i) =>
    add('backup-set', id, {
      status: 'active',
      service: stores[i % stores.length],
      schedule: 'daily 02:00 UTC',
      retention: '14 days',
      lastVerifiedBackup: evidence(i),
      ...(i % 2 === 0 ? { lastRestoreTest: evidence(i) } : {}),
    }),
  );
  ids('runbook', 'runbook').forEach((id, i) =>
    add('runbook', id, { status: i % 2 ? 'reviewed' : 'draft', services: [services[i % services.length], services[(i * 7) % services.length]] },
      '1. Check the service.\n2. Restart it.\n\n```sh\nkubectl get pods\n```'),
  );
  ids('incident', 'incident').forEach((id, i) =>
    add('incident', id, {
      status: 'resolved',
      services: [services[(i * 3) % services.length]],
      severity: 'medium',
      startedAt: '2026-05-01T10:00:00Z',
      resolvedAt: '2026-05-01T12:00:00Z',
      timeline: [{ at: '2026-05-01T10:00:00Z', note: 'alert' }, { at: '2026-05-01T12:00:00Z', note: 'fixed' }],
    }, 'Synthetic incident.'),
  );
  waves.forEach((id, i) =>
    add('migration-wave', id, { status: 'planned', from: envs[i % envs.length], to: envs[(i + 1) % envs.length] }),
  );
  gates.forEach((id, i) =>
    add('readiness-gate', id, {
      status: 'passed',
      wave: waves[i % waves.length],
      requirement: 'The endpoint answers and the runbook exists.',
      requires: [
        { name: 'endpoint-answers', description: 'endpoint probe passes', endpoint: endpoints[i % endpoints.length] },
        { name: 'runbook-reviewed', description: 'runbook reviewed' },
      ],
      evidence: [evidence(i, { requirement: 'runbook-reviewed', maxAge: 'P365D' })],
      concerns: [services[i % services.length]],
    }),
  );
  ids('risk', 'risk').forEach((id, i) =>
    add('risk', id, {
      status: 'accepted',
      affects: [services[i % services.length], gates[i % gates.length]],
      category: CATEGORIES[i % CATEGORIES.length],
      severity: (['low', 'medium', 'high', 'critical'] as const)[i % 4],
      raisedAt: '2026-05-20',
    }),
  );
  return files;
}

/** Writes a synthetic inventory plus the repo's manifest and owners into `dir`. */
export async function writeSyntheticInventory(dir: string, total: number, repoRoot: string): Promise<number> {
  const files = syntheticInventory(total);
  const dirs = new Set(files.map((f) => path.dirname(path.join(dir, f.file))));
  for (const d of [...dirs, path.join(dir, 'seeds')]) await mkdir(d, { recursive: true });
  await Promise.all(files.map((f) => writeFile(path.join(dir, f.file), f.text)));
  await copyFile(path.join(repoRoot, MANIFEST_FILE), path.join(dir, MANIFEST_FILE));
  await copyFile(path.join(repoRoot, OWNERS_FILE), path.join(dir, OWNERS_FILE));
  return files.length;
}
