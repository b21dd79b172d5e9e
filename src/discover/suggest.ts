import { Document, isMap } from 'yaml';
import type { InventoryGraph } from '../graph/graph.ts';
import { layoutOf, type Kind } from '../model/kinds.ts';
import { backupEvidence } from './evidence.ts';
import { lastFinished } from './backup-units.ts';
import { backupTime, type ClusterMatch, type StoreMatch } from './match.ts';
import { DEFAULT_PROBE_MAX_AGE } from '../probe/run-probes.ts';
import { refLabel, type ObjectRef } from '../output/discover-report.ts';
import type { Ingress, Workload } from './snapshot.ts';

/** A draft record, laid out like the repository root so `cp -r DIR/. .` adds it. */
export interface Suggestion {
  /** Path under the suggestion folder, e.g. `inventory/services/web.yaml`. */
  file: string;
  kind: Kind;
  id: string;
  /** What it was drafted from: an object, or an ingress host. */
  from: ObjectRef;
  host?: string;
  text: string;
}

export interface Suggestions {
  drafts: Suggestion[];
  /** Findings that got no draft, and why. */
  notDrafted: Array<{ subject: string; reason: string }>;
}

/** The status a drafted record gets: not claimed to run until someone confirms it. */
const DRAFT = 'draft';

/**
 * Draft records for what the cluster runs and the inventory lacks: a service
 * per discovered workload, an endpoint per unrecorded ingress host, a backup
 * set per CloudNativePG cluster no backup set covers. Nothing is invented:
 * what the cluster says is written (names, namespace, kind, schedule,
 * retention, method, the last backup); what the schema requires but the
 * cluster cannot say (owner, policy scope, a workload's category, the status
 * an endpoint should answer) is taken from the cluster record or a neutral
 * default and listed as "to confirm" in the file's header.
 */
export function suggestRecords(graph: InventoryGraph, match: ClusterMatch): Suggestions {
  const cluster = match.scope.cluster;
  const taken = new Set(graph.ids());
  const drafts: Suggestion[] = [];
  const notDrafted: Suggestions['notDrafted'] = [];
  const allocate = (...names: string[]) => {
    const candidates = names.map(slug).filter((s) => s !== '');
    const id = candidates.find((c) => !taken.has(c)) ?? `${candidates.at(-1)}-${taken.size}`;
    taken.add(id);
    return id;
  };
  const draft = (kind: Kind, id: string, from: ObjectRef, assumed: string, data: Record<string, unknown>, host?: string) => {
    const header = [`# Drafted by \`npm run discover\` from ${host ? `host ${host} of ` : ''}${refLabel(from)} on cluster ${cluster.id}.`, `# To confirm: ${assumed}.`];
    drafts.push({ file: `${layoutOf(kind).dir}/${id}.yaml`, kind, id, from, ...(host ? { host } : {}), text: `${header.join('\n')}\n${yamlOf(data)}` });
  };
  const owned = { owner: cluster.data.owner, policyScope: cluster.data.policyScope };

  // The service record (existing or drafted now) each workload belongs to.
  const serviceOf = new Map<Workload, { id: string; owner: string; policyScope: string }>();
  for (const s of match.scope.services) for (const w of match.workloadsOf.get(s.id) ?? []) serviceOf.set(w, { id: s.id, owner: s.data.owner, policyScope: s.data.policyScope });
  for (const w of match.unrecordedWorkloads) {
    const id = allocate(w.ref.name, `${w.ref.namespace}-${w.ref.name}`, `${cluster.id}-${w.ref.namespace}-${w.ref.name}`);
    const store = w.ref.kind === 'Cluster';
    draft('service', id, w.ref, `owner and policyScope (the cluster's)${store ? '' : ', category (application unless it is another)'}`, {
      id,
      title: w.ref.name,
      environment: cluster.data.environment,
      cluster: cluster.id,
      namespace: w.ref.namespace,
      k8s: { namespace: w.ref.namespace, kind: w.ref.kind, name: w.ref.name },
      category: store ? 'datastore' : 'application',
      ...(store ? { persistent: true } : {}),
      ...owned,
      status: DRAFT,
    });
    serviceOf.set(w, { id, ...owned });
  }

  const seenHosts = new Set<string>();
  for (const { host, ingress } of match.ingressHosts) {
    if (seenHosts.has(host) || match.endpointsByHost.has(host)) continue;
    seenHosts.add(host);
    const service = backendWorkloads(match, ingress, host).map((w) => serviceOf.get(w)).find((s) => s !== undefined);
    if (!service) {
      notDrafted.push({ subject: host, reason: `no workload behind ${refLabel(ingress.ref)} for ${host} is recorded or drafted, and an endpoint needs its service` });
      continue;
    }
    const tls = ingress.tls.some((t) => t.hosts.includes(host));
    const id = allocate(host, `${host}-${cluster.id}`);
    draft('endpoint', id, ingress.ref, "owner and policyScope (its service's), expect.status (what it should answer is not in the cluster)", {
      id,
      title: host,
      service: service.id,
      url: `${tls ? 'https' : 'http'}://${host}/`,
      expect: { status: 200 },
      k8s: { namespace: ingress.ref.namespace, kind: 'Ingress', name: ingress.ref.name },
      owner: service.owner,
      policyScope: service.policyScope,
      status: DRAFT,
    }, host);
  }

  for (const store of match.stores) {
    if (store.sets.length > 0) continue;
    const workload = match.snapshot.workloads.find((w) => w.ref.kind === 'Cluster' && w.ref.namespace === store.pg.ref.namespace && w.ref.name === store.pg.ref.name);
    const service = workload && serviceOf.get(workload);
    if (!service) continue; // a system namespace's own database, not reported either
    const id = allocate(`${store.pg.ref.name}-backups`, `${store.pg.ref.namespace}-${store.pg.ref.name}-backups`);
    draft('backup-set', id, store.pg.ref, "owner and policyScope (its service's)", {
      id,
      title: `${store.pg.ref.name} backups`,
      service: service.id,
      ...backupFacts(store, cluster.id),
      k8s: { namespace: store.pg.ref.namespace, kind: 'Cluster', name: store.pg.ref.name },
      owner: service.owner,
      policyScope: service.policyScope,
      status: DRAFT,
    });
  }
  return { drafts, notDrafted };
}

/** What the cluster says about a database's backups: method, schedule, retention, the last backup. */
function backupFacts(store: StoreMatch, clusterId: string): Record<string, unknown> {
  const last = lastFinished(store.backups);
  const schedules = [...new Set(store.schedules.map((s) => s.schedule))].sort();
  return {
    ...(store.pg.backupMethod ? { method: store.pg.backupMethod } : {}),
    ...(schedules.length > 0 ? { schedule: schedules.join('; ') } : {}),
    ...(store.pg.retentionPolicy ? { retention: store.pg.retentionPolicy } : {}),
    ...(last && backupTime(last) > 0 ? { lastVerifiedBackup: backupEvidence(last, clusterId, DEFAULT_PROBE_MAX_AGE) } : {}),
  };
}

/** The workloads serving a host of an ingress: its backend Services' pods, matched by their selectors. */
function backendWorkloads(match: ClusterMatch, ingress: Ingress, host: string): Workload[] {
  const namespace = ingress.ref.namespace;
  const names = new Set([...ingress.rules.filter((r) => r.host === host).flatMap((r) => r.services), ...(ingress.defaultService ? [ingress.defaultService] : [])]);
  const selectors = match.snapshot.services.filter((s) => s.ref.namespace === namespace && names.has(s.ref.name) && Object.keys(s.selector).length > 0).map((s) => s.selector);
  return match.snapshot.workloads.filter(
    (w) => w.ref.namespace === namespace && selectors.some((sel) => Object.entries(sel).every(([k, v]) => w.podLabels[k] === v)),
  );
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The house style: block mappings, short maps (k8s, expect, source) in flow style. */
function yamlOf(data: Record<string, unknown>): string {
  const doc = new Document(data);
  for (const path of [['k8s'], ['expect'], ['lastVerifiedBackup', 'source']]) {
    const node = doc.getIn(path, true);
    if (isMap(node)) node.flow = true;
  }
  return doc.toString({ lineWidth: 0, singleQuote: true });
}
