import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { discoveredEvidence } from '../../src/discover/evidence.ts';
import { findDrift } from '../../src/discover/findings.ts';
import { DEFAULT_SYSTEM_NAMESPACES, matchCluster } from '../../src/discover/match.ts';
import { clusterScope } from '../../src/discover/scope.ts';
import { parseSnapshots } from '../../src/discover/snapshot.ts';
import type { InventoryGraph } from '../../src/graph/graph.ts';
import { openInventory } from '../../src/inventory.ts';
import { directorySource } from '../../src/load/source.ts';
import { type BenchRow, commandFile, median, medianOf, NODE, REPO_ROOT, scratchDir, timeProcess } from './harness.ts';
import { writeSyntheticInventory } from './synthetic.ts';

const RECORDS = 10_000;
const OBJECTS = 2_000;
const CLUSTER = 'cluster-0';
const NOW = '2026-06-10T00:00:00Z';
const RUNS = 5;
const TARGET_MS = 1_000;

/**
 * `npm run discover` with a generated 2,000-object snapshot of one cluster of
 * the 10,000-record synthetic inventory: the discovery itself in process
 * (read the snapshot, match, find drift, plan the evidence; target ≤ 1 s),
 * and the whole command beside `validate` on the same inventory — the
 * command opens the inventory as validate does, and re-opens it to prove the
 * evidence edits.
 */
export async function benchDiscover(): Promise<BenchRow[]> {
  const dir = scratchDir('discover');
  try {
    await writeSyntheticInventory(dir, RECORDS, REPO_ROOT);
    await gatherOnOneCluster(dir);
    const now = Date.parse(NOW);
    const { graph } = await openInventory(directorySource(dir), { now });
    const items = snapshotItems(graph);
    const file = path.join(dir, 'snapshot.json');
    await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));

    const text = await readFile(file, 'utf8');
    const phases: number[] = [];
    let edits = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const snapshot = parseSnapshots([{ file, text }]);
      const match = matchCluster(graph, clusterScope(graph, CLUSTER), snapshot, DEFAULT_SYSTEM_NAMESPACES);
      const drift = findDrift(match, now);
      const evidence = discoveredEvidence(match, { now });
      phases.push(performance.now() - start);
      if (drift.findings.length > 0) throw new Error(`the generated snapshot should match the inventory: ${drift.findings.slice(0, 5).map((f) => f.message).join('; ')}`);
      edits = evidence.targets.length + evidence.fields.length;
    }

    const validate = () => timeProcess(NODE, [commandFile('validate'), '--root', dir, '--now', NOW]);
    validate(); // fills the parse cache, as any earlier run has
    const validated = medianOf(RUNS, validate);
    const whole = medianOf(RUNS, () => timeProcess(NODE, [commandFile('discover'), '--root', dir, '--snapshot', file, '--cluster', CLUSTER, '--now', NOW, '--format', 'json']));
    const report = JSON.parse(whole.stdout) as { ok: boolean; counts: { evidence: number } };
    if (!report.ok) throw new Error('discover found drift in the generated snapshot');
    const phase = median(phases);
    const label = `${items.length.toLocaleString('en')} objects vs ${RECORDS.toLocaleString('en')} records`;
    return [
      { section: 'discover', name: `${label}: snapshot → findings and ${edits} evidence targets (in process)`, value: Math.round(phase), unit: 'ms', target: `≤ ${TARGET_MS} ms`, ok: phase <= TARGET_MS },
      { section: 'discover', name: `${label}: whole command, dry run (warm parse cache)`, value: Math.round(whole.ms), unit: 'ms' },
      { section: 'discover', name: `validate on the same inventory (warm parse cache), beside it`, value: Math.round(validated.ms), unit: 'ms' },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The synthetic inventory spreads its services over many small clusters; a
 * cluster worth 2,000 objects holds about a third of them. The services of
 * the first hundred clusters move to CLUSTER (and its environment), with
 * their endpoints and backup sets.
 */
async function gatherOnOneCluster(dir: string): Promise<void> {
  const environment = /^environment: (.+)$/m.exec(await readFile(path.join(dir, 'inventory/clusters', `${CLUSTER}.yaml`), 'utf8'))![1]!;
  const services = path.join(dir, 'inventory/services');
  for (const name of await readdir(services)) {
    const text = await readFile(path.join(services, name), 'utf8');
    const n = Number(/^cluster: cluster-(\d+)$/m.exec(text)?.[1] ?? NaN);
    if (n < 100) await writeFile(path.join(services, name), text.replace(/^cluster: .+$/m, `cluster: ${CLUSTER}`).replace(/^environment: .+$/m, `environment: ${environment}`));
  }
}

/**
 * A snapshot of CLUSTER that agrees with the synthetic inventory (so the run
 * exits 0): a node per host, a workload per service (a CloudNativePG cluster
 * per data store, with a schedule and backups), ingresses and certificates
 * for the endpoints' hosts, some objects of kinds discover does not read,
 * and older backups up to OBJECTS.
 */
function snapshotItems(graph: InventoryGraph): unknown[] {
  const scope = clusterScope(graph, CLUSTER);
  const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), creationTimestamp: '2026-05-01T00:00:00Z' });
  const items: unknown[] = [];
  const backup = (ns: string, cluster: string, n: number) => {
    const stopped = new Date(Date.parse('2026-06-09T02:10:00Z') - n * 86_400_000).toISOString().replace('.000', '');
    items.push({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Backup', metadata: { ...meta(`${cluster}-${n}`, ns), ownerReferences: [{ kind: 'ScheduledBackup', name: `${cluster}-daily` }] }, spec: { cluster: { name: cluster } }, status: { phase: 'completed', startedAt: stopped, stoppedAt: stopped, method: 'barmanObjectStore' } });
  };
  for (const host of scope.hosts) {
    items.push({ apiVersion: 'v1', kind: 'Node', metadata: meta(host.id), status: { addresses: [{ type: 'InternalIP', address: host.data.publicIp }, { type: 'Hostname', address: host.id }] } });
  }
  const namespaces = new Set(['kube-system', ...scope.services.map((s) => s.data.namespace!)]);
  for (const ns of namespaces) items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns) });
  const stores: Array<{ ns: string; name: string }> = [];
  scope.services.forEach((s, i) => {
    const ns = s.data.namespace!;
    if (s.data.persistent) {
      stores.push({ ns, name: s.id });
      items.push({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta(s.id, ns), spec: { instances: 2, backup: { barmanObjectStore: {}, retentionPolicy: '30d' } } });
      items.push({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup', metadata: meta(`${s.id}-daily`, ns), spec: { schedule: '0 0 2 * * *', cluster: { name: s.id } } });
      backup(ns, s.id, 0);
    } else {
      const kind = i % 10 === 0 ? 'StatefulSet' : 'Deployment';
      items.push({ apiVersion: 'apps/v1', kind, metadata: meta(s.id, ns), spec: { selector: { matchLabels: { app: s.id } }, template: { metadata: { labels: { app: s.id } } } } });
      if (i % 20 === 1) items.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta(`${s.id}-5d8f`, ns), spec: {} });
    }
  });
  const namespaceOf = new Map(scope.services.map((s) => [s.id, s.data.namespace!]));
  for (let k = 0; k < scope.endpoints.length; k += 5) {
    const group = scope.endpoints.slice(k, k + 5);
    const ns = namespaceOf.get(group[0]!.data.service)!;
    const names = group.map((e) => new URL(e.data.url).hostname);
    items.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta(`ingress-${k}`, ns), spec: { rules: names.map((host) => ({ host })), tls: [{ hosts: names, secretName: `tls-${k}` }] } });
    items.push({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta(`tls-${k}`, ns), spec: { dnsNames: names, secretName: `tls-${k}`, issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } }, status: { conditions: [{ type: 'Ready', status: 'True' }], notAfter: '2026-09-01T00:00:00Z' } });
    items.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta(`tls-${k}`, ns), type: 'kubernetes.io/tls', data: { 'tls.crt': 'LS0t', 'tls.key': 'LS0t' } });
  }
  for (let n = 1; items.length < OBJECTS && stores.length > 0; n++) for (const s of stores) if (items.length < OBJECTS) backup(s.ns, s.name, n);
  return items;
}
