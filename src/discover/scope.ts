import type { InventoryGraph } from '../graph/graph.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { DiscoverInputError } from './input-error.ts';

/** What the inventory says runs on one cluster: the records a snapshot of it is compared with. */
export interface ClusterScope {
  cluster: InventoryRecord<'cluster'>;
  /** The cluster record's hosts, which its nodes should be. */
  hosts: InventoryRecord<'host'>[];
  /** Services placed on the cluster (`cluster:`), whatever their status. */
  services: InventoryRecord<'service'>[];
  /** Endpoints and backup sets of those services. */
  endpoints: InventoryRecord<'endpoint'>[];
  backupSets: InventoryRecord<'backup-set'>[];
}

/** Service statuses that say it runs: only these are missed when the snapshot lacks them. */
export const RUNNING_STATUSES: ReadonlySet<string> = new Set(['active', 'degraded']);

export function clusterScope(graph: InventoryGraph, clusterId: string): ClusterScope {
  const cluster = graph.get(clusterId);
  if (cluster?.kind !== 'cluster') {
    const known = graph.byKind('cluster').map((c) => c.id);
    const hint = didYouMean(clusterId, known);
    throw new DiscoverInputError(
      'unknown-cluster',
      cluster
        ? `--cluster: "${clusterId}" is a ${cluster.kind}; name the cluster record the snapshot was taken from (${known.join(', ')})`
        : `--cluster: no cluster record has the id "${clusterId}"${hint ? ` — ${hint}` : ` (clusters: ${known.join(', ') || 'none'})`}`,
    );
  }
  const services = graph.referrers(clusterId, 'service', 'cluster');
  const placed = new Set(services.map((s) => s.id));
  return {
    cluster,
    hosts: cluster.data.hosts.flatMap((id) => {
      const host = graph.get(id);
      return host?.kind === 'host' ? [host] : [];
    }),
    services,
    endpoints: graph.byKind('endpoint').filter((e) => placed.has(e.data.service)),
    backupSets: graph.byKind('backup-set').filter((b) => placed.has(b.data.service)),
  };
}
