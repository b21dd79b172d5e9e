import type { InventoryGraph } from '../graph/graph.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import { RETIRED_STATUSES } from '../model/schemas.ts';
import type { ClusterScope } from './scope.ts';
import type { Backup, Certificate, Ingress, K8sNode, PgCluster, ScheduledBackup, Snapshot, Workload } from './snapshot.ts';

/** Namespaces whose objects are the platform's own: never reported as discovered (`--system-namespaces` replaces the list). */
export const DEFAULT_SYSTEM_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'cert-manager',
  'cnpg-system',
  'kube-flannel',
  'local-path-storage',
  'metallb-system',
  'ingress-nginx',
] as const;

/** A CloudNativePG cluster and the records and objects about its backups. */
export interface StoreMatch {
  pg: PgCluster;
  /** The service standing for it, when one does. */
  service?: InventoryRecord<'service'>;
  /** Open risks of category ops-backup-gap on that service: a known, recorded gap. */
  gapRisks: string[];
  /** Backup sets covering it; one named by a ScheduledBackup covers only that schedule's backups. */
  sets: Array<{ set: InventoryRecord<'backup-set'>; scheduledBackup?: string }>;
  /** Its backups, newest first (by when they stopped, started or were created). */
  backups: Backup[];
  /** Its schedules that are not suspended. */
  schedules: ScheduledBackup[];
}

export interface IngressHost {
  host: string;
  ingress: Ingress;
  /** Listed under the ingress's `tls:`. */
  tls: boolean;
}

/** How the snapshot's objects and the inventory's records of one cluster meet. */
export interface ClusterMatch {
  scope: ClusterScope;
  snapshot: Snapshot;
  /** The workloads each service of the cluster stands for (by its k8s block, or by the convention). */
  workloadsOf: Map<string, Workload[]>;
  /** Workloads outside the system namespaces that no service stands for. */
  unrecordedWorkloads: Workload[];
  stores: StoreMatch[];
  /** Hosts routed by ingresses outside the system namespaces. */
  ingressHosts: IngressHost[];
  /** Live endpoints of the whole inventory by URL host name. */
  endpointsByHost: Map<string, InventoryRecord<'endpoint'>[]>;
  /** Certificates covering a host name (exactly or by a wildcard), best first. */
  certificatesFor: (host: string) => Certificate[];
  nodes: NodePairing;
  isSystem: (namespace: string | undefined) => boolean;
}

export interface NodePairing {
  pairs: Array<{ node: K8sNode; host: InventoryRecord<'host'> }>;
  /** Nodes no host of the cluster record is. */
  unrecorded: K8sNode[];
  /** Hosts of the cluster record that are no node. */
  absent: InventoryRecord<'host'>[];
}

export function matchCluster(graph: InventoryGraph, scope: ClusterScope, snapshot: Snapshot, systemNamespaces: readonly string[]): ClusterMatch {
  const system = new Set(systemNamespaces);
  const isSystem = (ns: string | undefined) => ns !== undefined && system.has(ns);
  const byName = groupBy(snapshot.workloads, (w) => w.ref.name);
  const workloadsOf = new Map(scope.services.map((s) => [s.id, workloadsOfService(s, byName)]));
  const claimed = new Set([...workloadsOf.values()].flat());
  const endpointsByHost = new Map<string, InventoryRecord<'endpoint'>[]>();
  for (const e of graph.byKind('endpoint')) {
    if (RETIRED_STATUSES.has(e.data.status)) continue;
    const host = new URL(e.data.url).hostname.toLowerCase();
    endpointsByHost.set(host, [...(endpointsByHost.get(host) ?? []), e]);
  }
  return {
    scope,
    snapshot,
    workloadsOf,
    unrecordedWorkloads: snapshot.workloads.filter((w) => !claimed.has(w) && !isSystem(w.ref.namespace)),
    stores: matchStores(graph, scope, snapshot, workloadsOf),
    ingressHosts: snapshot.ingresses
      .filter((i) => !isSystem(i.ref.namespace))
      .flatMap((ingress) => {
        const tls = new Set(ingress.tls.flatMap((t) => t.hosts));
        const hosts = new Set([...ingress.rules.flatMap((r) => (r.host ? [r.host] : [])), ...tls]);
        return [...hosts].map((host) => ({ host, ingress, tls: tls.has(host) }));
      }),
    endpointsByHost,
    certificatesFor: certificateIndex(snapshot.certificates),
    nodes: pairNodes(snapshot.nodes, scope.hosts),
    isSystem,
  };
}

/**
 * The workloads a service stands for: the object its k8s block names, or by
 * the convention, a workload named like the service's id in the service's
 * namespace (in any namespace when the service states none).
 */
function workloadsOfService(service: InventoryRecord<'service'>, byName: ReadonlyMap<string, Workload[]>): Workload[] {
  const k8s = service.data.k8s;
  if (k8s) return (byName.get(k8s.name) ?? []).filter((w) => w.ref.kind === k8s.kind && w.ref.namespace === k8s.namespace);
  const ns = service.data.namespace;
  return (byName.get(service.id) ?? []).filter((w) => ns === undefined || w.ref.namespace === ns);
}

function matchStores(graph: InventoryGraph, scope: ClusterScope, snapshot: Snapshot, workloadsOf: ReadonlyMap<string, Workload[]>): StoreMatch[] {
  const key = (ns: string | undefined, name: string) => `${ns}/${name}`;
  const stores = new Map<string, StoreMatch>(
    snapshot.pgClusters.map((pg) => [key(pg.ref.namespace, pg.ref.name), { pg, gapRisks: [], sets: [], backups: [], schedules: [] }]),
  );
  const coverage = new Map(graph.backupCoverage().map((c) => [c.store.id, c]));
  for (const service of scope.services) {
    for (const w of workloadsOf.get(service.id) ?? []) {
      const store = w.ref.kind === 'Cluster' ? stores.get(key(w.ref.namespace, w.ref.name)) : undefined;
      if (!store) continue;
      store.service = service;
      store.gapRisks = (coverage.get(service.id)?.gapRisks ?? []).filter((r) => r.data.status !== 'mitigated').map((r) => r.id);
    }
  }
  const scheduled = new Map(snapshot.scheduledBackups.map((s) => [key(s.ref.namespace, s.ref.name), s]));
  for (const set of scope.backupSets) {
    const k8s = set.data.k8s;
    if (k8s?.kind === 'ScheduledBackup') {
      const schedule = scheduled.get(key(k8s.namespace, k8s.name));
      const store = schedule && stores.get(key(k8s.namespace, schedule.cluster));
      store?.sets.push({ set, scheduledBackup: k8s.name });
    } else if (k8s) {
      stores.get(key(k8s.namespace, k8s.name))?.sets.push({ set });
    } else {
      for (const store of stores.values()) if (store.service?.id === set.data.service) store.sets.push({ set });
    }
  }
  for (const b of snapshot.backups) stores.get(key(b.ref.namespace, b.cluster))?.backups.push(b);
  for (const s of snapshot.scheduledBackups) if (!s.suspended) stores.get(key(s.ref.namespace, s.cluster))?.schedules.push(s);
  for (const store of stores.values()) store.backups.sort((a, b) => backupTime(b) - backupTime(a));
  return [...stores.values()];
}

/** When a backup happened: it stopped, else started, else was created (ms; 0 when it says nothing). */
export function backupTime(b: Backup): number {
  const at = b.stoppedAt ?? b.startedAt ?? b.createdAt;
  return at ? Date.parse(at) || 0 : 0;
}

/** Certificates for a host name: exact names before wildcards, Ready ones first, then the one valid longest. */
function certificateIndex(certificates: readonly Certificate[]): (host: string) => Certificate[] {
  const byName = groupBy(
    certificates.flatMap((c) => c.dnsNames.map((name) => ({ name, c }))),
    (x) => x.name,
  );
  const rank = (c: Certificate) => [c.ready === 'True' ? 0 : 1, -(Date.parse(c.notAfter ?? '') || 0)] as const;
  const order = (list: Certificate[]) => list.sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1]);
  return (host) => {
    const exact = order((byName.get(host) ?? []).map((x) => x.c));
    const wildcard = order((byName.get(`*.${host.split('.').slice(1).join('.')}`) ?? []).map((x) => x.c));
    return [...new Set([...exact, ...wildcard])];
  };
}

/**
 * Which node is which host: the node named like the host's id or hostname,
 * else the node with the host's public IP among its addresses; a single
 * host and a single node left over are the same machine.
 */
function pairNodes(nodes: readonly K8sNode[], hosts: readonly InventoryRecord<'host'>[]): NodePairing {
  const pairs: NodePairing['pairs'] = [];
  let nodesLeft = [...nodes];
  let hostsLeft = [...hosts];
  const pair = (matches: (node: K8sNode, host: InventoryRecord<'host'>) => boolean) => {
    for (const host of [...hostsLeft]) {
      const node = nodesLeft.find((n) => matches(n, host));
      if (!node) continue;
      pairs.push({ node, host });
      nodesLeft = nodesLeft.filter((n) => n !== node);
      hostsLeft = hostsLeft.filter((h) => h !== host);
    }
  };
  pair((n, h) => n.ref.name === h.id || (h.data.hostname !== undefined && n.ref.name === h.data.hostname));
  pair((n, h) => h.data.publicIp !== undefined && n.addresses.some((a) => a.address === h.data.publicIp));
  if (nodesLeft.length === 1 && hostsLeft.length === 1) pair(() => true);
  return { pairs, unrecorded: nodesLeft, absent: hostsLeft };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
  return map;
}
