import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { longestIntervalMs } from '../src/discover/cron.ts';
import { discoveredEvidence } from '../src/discover/evidence.ts';
import { findDrift } from '../src/discover/findings.ts';
import { DiscoverInputError } from '../src/discover/input-error.ts';
import { DEFAULT_SYSTEM_NAMESPACES, matchCluster } from '../src/discover/match.ts';
import { safeText } from '../src/discover/safe-text.ts';
import { clusterScope } from '../src/discover/scope.ts';
import { parseSnapshots, type Snapshot } from '../src/discover/snapshot.ts';
import { codes, fixture, MINIMAL, open, openWith } from './helpers/fixture.ts';

const K8S = path.resolve(import.meta.dirname, 'fixtures/k8s');
const NOW = Date.parse('2026-07-01T00:00:00Z');
const HOUR = 3_600_000;

const read = async (...names: string[]) => Promise.all(names.map(async (name) => ({ file: name, text: await readFile(path.join(K8S, name), 'utf8') })));
const snapshotOf = async (...names: string[]) => parseSnapshots(await read(...names));
const fullSnapshot = () => snapshotOf('workloads.json', 'cert-manager.json', 'cnpg.json');

async function drift(snapshot: Snapshot, now = NOW, inventory = MINIMAL) {
  const { graph } = await open(inventory, now);
  const match = matchCluster(graph, clusterScope(graph, 'old-k3s'), snapshot, DEFAULT_SYSTEM_NAMESPACES);
  return { match, ...findDrift(match, now) };
}

describe('reading snapshots', () => {
  it('merges kubectl Lists, reads the kinds it knows and only counts the others', async () => {
    const s = await fullSnapshot();
    expect(s.read).toEqual({
      'v1 Namespace': 9,
      'v1 Node': 2,
      'apps/v1 Deployment': 4,
      'apps/v1 StatefulSet': 1,
      'apps/v1 DaemonSet': 1,
      'v1 Service': 5,
      'networking.k8s.io/v1 Ingress': 2,
      'cert-manager.io/v1 Certificate': 3,
      'postgresql.cnpg.io/v1 Cluster': 2,
      'postgresql.cnpg.io/v1 ScheduledBackup': 1,
      'postgresql.cnpg.io/v1 Backup': 3,
    });
    expect(s.ignored).toEqual({ 'v1 Secret': 1, 'v1 ConfigMap': 1, 'apps/v1 ReplicaSet': 1, 'traefik.io/v1alpha1 IngressRoute': 1 });
    expect(s.nodes.find((n) => n.ref.name === 'old-server')!.addresses.map((a) => a.type)).toEqual(['InternalIP', 'ExternalIP', 'Hostname']);
    const forge = s.ingresses.find((i) => i.ref.name === 'forge')!;
    expect(forge.rules.map((r) => r.host)).toEqual(['git.example.test', 'registry.example.test', 'api.example.test']);
    expect(forge.tls).toEqual([{ hosts: ['git.example.test', 'registry.example.test'], secretName: 'forge-tls' }]);
    expect(s.certificates.find((c) => c.ref.name === 'dash-tls')).toMatchObject({ ready: 'False', reason: 'Failed', issuer: 'ClusterIssuer/letsencrypt-prod' });
    expect(s.backups.find((b) => b.phase === 'failed')).toMatchObject({ cluster: 'git-db', scheduledBackup: 'git-db-daily', stoppedAt: '2026-06-30T02:00:31Z' });
    // Objects of the same identity in a later file replace earlier ones.
    const twice = await snapshotOf('workloads.json', 'workloads.json');
    expect(twice.workloads).toHaveLength((await snapshotOf('workloads.json')).workloads.length);
    expect(twice.read['v1 Node']).toBe(4);
  });

  it('never keeps the data of a Secret or ConfigMap', async () => {
    const s = await fullSnapshot();
    expect(JSON.stringify(s)).not.toMatch(/canary|dockerconfigjson|SECRET_KEY/i);
  });

  it('refuses what is not a snapshot, naming the file and what is wrong', async () => {
    const fail = async (name: string) => {
      try {
        await snapshotOf(name);
      } catch (err) {
        expect(err).toBeInstanceOf(DiscoverInputError);
        return err as DiscoverInputError;
      }
      throw new Error(`${name} was read`);
    };
    expect(await fail('invalid/not-json.json')).toMatchObject({ code: 'snapshot-not-json', message: expect.stringMatching(/^invalid\/not-json\.json: not JSON \(.+\); a snapshot is what `kubectl get <kinds> -A -o json` prints/) });
    expect(await fail('invalid/single-object.json')).toMatchObject({ code: 'snapshot-not-a-list', message: expect.stringContaining('invalid/single-object.json: not a Kubernetes List (kind: Deployment)') });
    expect((await fail('invalid/deployment-without-namespace.json')).message).toContain(
      'invalid/deployment-without-namespace.json: items[1] (apps/v1 Deployment git): metadata.namespace: ',
    );
  });
});

describe('the k8s block', () => {
  it('is validated: kinds per record kind, Kubernetes names', async () => {
    const service = (k8s: string) =>
      `id: git\ntitle: Git\nowner: railiance-apps\npolicyScope: ops-transitional-prod\nstatus: active\nenvironment: prod-old\ncluster: old-k3s\ncategory: application\nk8s: ${k8s}\n`;
    expect(codes(await openWith({ 'inventory/services/git.yaml': service('{ namespace: forge, kind: Deployment, name: git }') }))).toEqual([]);
    const pod = await openWith({ 'inventory/services/git.yaml': service('{ namespace: forge, kind: Pod, name: git }') });
    expect(pod.diagnostics.map((d) => [d.code, d.line])).toEqual([['invalid-field', 9]]);
    expect(codes(await openWith({ 'inventory/services/git.yaml': service('{ namespace: Forge_1, kind: Deployment, name: git }') }))).toEqual(['invalid-field']);
    expect(codes(await openWith({ 'inventory/services/git.yaml': service('{ namespace: forge, kind: Deployment, name: git, image: x }') }))).toEqual(['unknown-field']);
  });
});

describe('drift between a cluster and the inventory', () => {
  it('finds each kind of drift in the fixture cluster, with stable codes and keys', async () => {
    const { findings, notices } = await drift(await fullSnapshot());
    expect(findings.map((f) => [f.code, f.recordId, f.key])).toEqual([
      ['service-missing', 'registry', 'service-missing:old-k3s:registry'],
      ['workload-discovered', 'old-k3s', 'workload-discovered:old-k3s:apps/v1/Deployment/forge/unknown-api'],
      ['workload-discovered', 'old-k3s', 'workload-discovered:old-k3s:apps/v1/StatefulSet/analytics/clickhouse'],
      ['workload-discovered', 'old-k3s', 'workload-discovered:old-k3s:postgresql.cnpg.io/v1/Cluster/analytics/metrics-pg'],
      ['ingress-host-unrecorded', 'old-k3s', 'ingress-host-unrecorded:old-k3s:api.example.test'],
      ['ingress-host-unrecorded', 'old-k3s', 'ingress-host-unrecorded:old-k3s:dash.example.test'],
      ['ingress-host-unrecorded', 'old-k3s', 'ingress-host-unrecorded:old-k3s:git.example.test'],
      ['tls-host-without-certificate', 'old-k3s', 'tls-host-without-certificate:old-k3s:git.example.test'],
      ['certificate-not-ready', 'old-k3s', 'certificate-not-ready:old-k3s:cert-manager.io/v1/Certificate/analytics/dash-tls'],
      ['node-address-mismatch', 'old-server', 'node-address-mismatch:old-k3s:old-server:old-server:192.0.2.10:ExternalIP 198.51.100.7,Hostname old-server,InternalIP 10.0.0.10'],
      ['node-unrecorded', 'old-k3s', 'node-unrecorded:old-k3s:old-worker'],
      ['backup-set-missing', 'old-k3s', 'backup-set-missing:old-k3s:postgresql.cnpg.io/v1/Cluster/analytics/metrics-pg'],
      ['backup-failed', 'git-db-nightly', 'backup-failed:old-k3s:git-db-nightly:git-db-daily-20260630020000'],
      ['backup-overdue', 'git-db-nightly', 'backup-overdue:old-k3s:git-db-nightly:git-db-daily-20260629020000'],
    ]);
    expect(notices).toEqual([]);
    // System namespaces stay out: coredns, traefik, svclb, the cnpg webhook certificate.
    expect(JSON.stringify(findings)).not.toMatch(/kube-system|cnpg-system/);
    const failed = findings.find((f) => f.code === 'backup-failed')!;
    expect(failed.message).toContain('failed: barman-cloud-backup: upload to https://minio.databases.svc:9000/ops-backups/git-db failed: AccessDenied');
    expect(failed.message).not.toMatch(/hunter2|Signature/);
    expect(findings.find((f) => f.code === 'backup-overdue')!.message).toContain('is 45 h old; its schedule allows 25 h');
  });

  it('leaves a backup gap a risk records to the risk, and says so', async () => {
    const dir = await fixture({
      'inventory/services/metrics-pg.yaml': 'id: metrics-pg\ntitle: Metrics database\nowner: railiance-platform\npolicyScope: ops-transitional-prod\nstatus: active\nenvironment: prod-old\ncluster: old-k3s\nnamespace: analytics\ncategory: datastore\npersistent: true\n',
      'inventory/risks/metrics-pg-no-backup.yaml': 'id: metrics-pg-no-backup\ntitle: Metrics database has no backup\nowner: railiance-platform\npolicyScope: ops-backup-retention\nstatus: accepted\naffects: [metrics-pg]\ncategory: ops-backup-gap\nseverity: low\n',
    });
    const { findings, notices } = await drift(await fullSnapshot(), NOW, dir);
    expect(findings.map((f) => f.code)).not.toContain('backup-set-missing');
    expect(notices).toEqual(['CloudNativePG Cluster analytics/metrics-pg has no backup set, a gap the risk metrics-pg-no-backup records']);
  });

  it('keys say what caused a finding, never when it was seen', async () => {
    const snapshot = await fullSnapshot();
    const early = await drift(snapshot, NOW);
    const later = await drift(snapshot, NOW + 5 * HOUR);
    expect(later.findings.map((f) => f.key)).toEqual(early.findings.map((f) => f.key));
    expect(new Set(early.findings.map((f) => f.key)).size).toBe(early.findings.length);
  });

  it('allows a daily schedule its day and an hour, then reports the backup overdue', async () => {
    const clean = await snapshotOf('clean.json');
    const stopped = Date.parse('2026-06-30T02:11:12Z');
    const overdue = async (now: number) => (await drift(clean, now)).findings.filter((f) => f.code === 'backup-overdue');
    expect(await overdue(stopped + 25 * HOUR - 1)).toEqual([]);
    expect((await overdue(stopped + 25 * HOUR + 60_000)).map((f) => f.key)).toEqual(['backup-overdue:old-k3s:git-db-nightly:git-db-daily-20260630020000']);
  });

  it('maps records by their k8s block before the convention (namespace + id)', async () => {
    const registry = (await readFile(path.join(MINIMAL, 'inventory/services/registry.yaml'), 'utf8')) + 'k8s: { namespace: forge, kind: StatefulSet, name: registry }\n';
    const dir = await fixture({ 'inventory/services/registry.yaml': registry });
    const clean = await snapshotOf('clean.json');
    const { match, findings } = await drift(clean, NOW, dir);
    expect(findings).toEqual([]);
    expect(match.workloadsOf.get('registry')!.map((w) => w.ref.kind)).toEqual(['StatefulSet']);
    // git states no namespace: the convention finds it by id in any namespace; git-db's namespace is databases.
    expect(match.workloadsOf.get('git')!.map((w) => w.ref.namespace)).toEqual(['forge']);
    expect(match.workloadsOf.get('git-db')!.map((w) => `${w.ref.kind} ${w.ref.namespace}`)).toEqual(['Cluster databases']);
  });
});

describe('evidence from the cluster', () => {
  it('is one discover item per endpoint and backup set; evidence written by people is left alone', async () => {
    const { match } = await drift(await fullSnapshot());
    const evidence = discoveredEvidence(match, { now: NOW });
    expect(evidence.targets.map((t) => [t.record.id, t.item.result, t.item.source])).toEqual([['registry-v2', 'pass', { probe: 'discover' }]]);
    expect(evidence.targets[0]!.item.observed).toEqual({
      cluster: 'old-k3s',
      certificate: 'forge/forge-tls',
      ready: 'True',
      notAfter: '2026-09-28T10:00:00Z',
      issuer: 'ClusterIssuer/letsencrypt-prod',
      reason: 'Ready',
    });
    expect(evidence.fields.map((f) => [f.record.id, f.field, f.value])).toEqual([['git-db-nightly', 'schedule', '0 0 2 * * *']]);
    expect(evidence.skipped).toEqual([
      expect.objectContaining({ recordId: 'git-db-nightly', field: 'lastVerifiedBackup', reason: expect.stringContaining('written by a person') }),
    ]);
  });
});

describe('schedules', () => {
  it('gives the longest gap between two runs of a CNPG cron', () => {
    const h = (e: string) => (longestIntervalMs(e) ?? NaN) / HOUR;
    expect(h('0 0 2 * * *')).toBe(24);
    expect(h('0 30 1 * * *')).toBe(24);
    expect(h('0 0 2 * * 0')).toBe(168);
    expect(h('0 0 2 * * MON-FRI')).toBe(72);
    expect(h('0 0 */6 * * *')).toBe(6);
    expect(h('0 0 2 1,15 * *')).toBe(17 * 24);
    expect(h('0 0 2 1 * *')).toBe(31 * 24);
    expect(h('0 * * * *')).toBe(1);
    expect(h('30 2 * * *')).toBe(24);
    expect(h('@daily')).toBe(24);
    expect(h('@every 1h30m')).toBe(1.5);
    for (const bad of ['', 'daily 02:00 UTC', '0 0 25 * * *', '0 0 2 * * * *', '@fortnightly']) expect(longestIntervalMs(bad), bad).toBeUndefined();
  });
});

describe('text from the cluster', () => {
  it('loses URL credentials and query strings, and is withheld when it looks like a credential', () => {
    expect(safeText('GET https://ops:hunter2@minio.local:9000/b?X-Amz-Signature=abc\nfailed')).toBe('GET https://minio.local:9000/b failed');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMtaHViIn0.c2lnbmF0dXJlLXZhbHVl';
    expect(safeText(`token ${jwt} rejected`)).toBe('(withheld: it holds what looks like a JSON Web Token)');
    expect(safeText('x'.repeat(500))).toHaveLength(200);
  });
});
