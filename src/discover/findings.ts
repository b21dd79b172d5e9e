import type { InventoryRecord } from '../load/model-inventory.ts';
import { backupTime, type ClusterMatch } from './match.ts';
import { RUNNING_STATUSES } from './scope.ts';
import { FINDING_CODES, refLabel, type Finding, type FindingCode } from '../output/discover-report.ts';
import { refPath } from './snapshot.ts';
import { backupUnits, lastCompleted, lastFinished, scheduleAllowance, type BackupUnit } from './backup-units.ts';
import { safeText } from './safe-text.ts';

export interface DriftResult {
  findings: Finding[];
  /** What was not checked, or not reported as drift, and why (nothing is skipped silently). */
  notices: string[];
}

const WORKLOAD_KINDS = 'Deployment, StatefulSet, DaemonSet or CloudNativePG Cluster';

/** Where one run's findings go; each is keyed by its code, the cluster and its subject. */
interface Sink {
  clusterId: string;
  /** The cluster record, for findings about objects no record stands for. */
  onCluster: Where;
  add(code: FindingCode, subject: string, finding: Omit<Finding, 'code' | 'key'>): void;
  notices: string[];
}

type Where = Pick<Finding, 'recordId' | 'file'>;
const on = (record: InventoryRecord): Where => ({ recordId: record.id, file: record.file });

export function findDrift(match: ClusterMatch, now: number): DriftResult {
  const clusterId = match.scope.cluster.id;
  const findings: Finding[] = [];
  const sink: Sink = {
    clusterId,
    onCluster: on(match.scope.cluster),
    add: (code, subject, f) => findings.push({ code, key: `${code}:${clusterId}:${subject}`, ...f }),
    notices: [],
  };
  missingServices(match, sink);
  discoveredWorkloads(match, sink);
  unroutedEndpoints(match, sink);
  ingressHosts(match, sink);
  unreadyCertificates(match, sink);
  nodes(match, sink);
  stores(match, now, sink);
  const order = (f: Finding) => FINDING_CODES.indexOf(f.code);
  findings.sort((a, b) => order(a) - order(b) || a.key.localeCompare(b.key));
  return { findings, notices: sink.notices };
}

function missingServices({ scope, snapshot, workloadsOf }: ClusterMatch, { clusterId, add }: Sink): void {
  for (const service of scope.services) {
    if (!RUNNING_STATUSES.has(service.data.status) || workloadsOf.get(service.id)!.length > 0) continue;
    const k8s = service.data.k8s;
    const ns = k8s?.namespace ?? service.data.namespace;
    const wanted = k8s ? `${k8s.kind} ${k8s.namespace}/${k8s.name}` : `${WORKLOAD_KINDS} named ${service.id}${ns ? ` in namespace ${ns}` : ''}`;
    const noNamespace = ns !== undefined && snapshot.namespaces.length > 0 && !snapshot.namespaces.includes(ns) ? `; namespace ${ns} does not exist` : '';
    add('service-missing', service.id, {
      ...on(service),
      message: `service ${service.id} is ${service.data.status} on ${clusterId}, but the snapshot has no ${wanted}${noNamespace}`,
      hint: 'if it runs under another name, give the service a k8s block (namespace, kind, name); if it does not run, set its status (planned, retired)',
    });
  }
}

function discoveredWorkloads({ unrecordedWorkloads }: ClusterMatch, { clusterId, onCluster, add }: Sink): void {
  for (const w of unrecordedWorkloads) {
    add('workload-discovered', refPath(w.ref), {
      ...onCluster,
      object: w.ref,
      message: `${refLabel(w.ref)} runs on ${clusterId}, but no service record stands for it`,
      hint: `record it as a service on cluster ${clusterId} (npm run discover -- --suggest DIR drafts one), or give the service it is a k8s block naming it`,
    });
  }
}

function unroutedEndpoints({ scope, snapshot }: ClusterMatch, { add }: Sink): void {
  for (const endpoint of scope.endpoints) {
    const k8s = endpoint.data.k8s;
    if (!k8s || !RUNNING_STATUSES.has(endpoint.data.status)) continue;
    const host = new URL(endpoint.data.url).hostname.toLowerCase();
    const ingress = snapshot.ingresses.find((i) => i.ref.namespace === k8s.namespace && i.ref.name === k8s.name);
    const routes = ingress && [...ingress.rules.flatMap((r) => (r.host ? [r.host] : [])), ...ingress.tls.flatMap((t) => t.hosts)].includes(host);
    if (routes) continue;
    add('endpoint-ingress-missing', endpoint.id, {
      ...on(endpoint),
      ...(ingress ? { object: ingress.ref } : {}),
      host,
      message: ingress
        ? `endpoint ${endpoint.id} names Ingress ${k8s.namespace}/${k8s.name}, which does not route ${host}`
        : `endpoint ${endpoint.id} names Ingress ${k8s.namespace}/${k8s.name}, which the snapshot lacks`,
      hint: 'correct the endpoint k8s block, or its URL, to the ingress that serves it',
    });
  }
}

/** Hosts routed without an endpoint record, and TLS hosts without a certificate: each host once. */
function ingressHosts(match: ClusterMatch, { onCluster, add }: Sink): void {
  const reported = new Set<string>();
  for (const { host, ingress, tls } of match.ingressHosts) {
    const endpoint = match.endpointsByHost.get(host)?.[0];
    if (!endpoint && !reported.has(`endpoint ${host}`)) {
      reported.add(`endpoint ${host}`);
      add('ingress-host-unrecorded', host, {
        ...onCluster,
        object: ingress.ref,
        host,
        message: `${refLabel(ingress.ref)} routes ${host}, but no endpoint record has that host`,
        hint: 'record an endpoint for it (npm run discover -- --suggest DIR drafts one)',
      });
    }
    if (tls && match.certificatesFor(host).length === 0 && !reported.has(`tls ${host}`)) {
      reported.add(`tls ${host}`);
      add('tls-host-without-certificate', host, {
        ...(endpoint ? on(endpoint) : onCluster),
        object: ingress.ref,
        host,
        message: `${refLabel(ingress.ref)} serves ${host} over TLS, but no cert-manager Certificate covers it`,
        hint: 'codify its certificate as a cert-manager Certificate (or an ingress annotation cert-manager acts on)',
      });
    }
  }
}

function unreadyCertificates(match: ClusterMatch, { onCluster, add }: Sink): void {
  for (const c of match.snapshot.certificates) {
    if (c.ready === 'True' || match.isSystem(c.ref.namespace)) continue;
    const endpoint = c.dnsNames.flatMap((n) => match.endpointsByHost.get(n) ?? [])[0];
    const why = [c.reason, c.message && safeText(c.message)].filter(Boolean).join(': ');
    add('certificate-not-ready', refPath(c.ref), {
      ...(endpoint ? on(endpoint) : onCluster),
      object: c.ref,
      message: `${refLabel(c.ref)} (${c.dnsNames.join(', ')}) is not Ready${why ? ` (${why})` : ''}`,
      hint: `see \`kubectl describe certificate -n ${c.ref.namespace} ${c.ref.name}\` and its issuer ${c.issuer}`,
    });
  }
}

function nodes({ snapshot, nodes: pairing }: ClusterMatch, { clusterId, onCluster, add, notices }: Sink): void {
  // A cluster always has a node: none means the snapshot did not ask for them.
  if (snapshot.nodes.length === 0) {
    notices.push('the snapshot holds no Node: the nodes were not compared with the hosts');
    return;
  }
  for (const { node, host } of pairing.pairs) {
    const ip = host.data.publicIp;
    if (ip === undefined || node.addresses.some((a) => a.address === ip)) continue;
    const addresses = node.addresses.map((a) => `${a.type} ${a.address}`).sort();
    add('node-address-mismatch', `${node.ref.name}:${host.id}:${ip}:${addresses.join(',')}`, {
      ...on(host),
      object: node.ref,
      message: `node ${node.ref.name} has ${addresses.join(', ') || 'no address'}, not host ${host.id}'s IP ${ip}`,
      hint: `correct publicIp of host ${host.id}, or the cluster's hosts if this node is another machine`,
    });
  }
  for (const node of pairing.unrecorded) {
    add('node-unrecorded', node.ref.name, {
      ...onCluster,
      object: node.ref,
      message: `node ${node.ref.name} is part of ${clusterId}, but no host of the cluster record is it`,
      hint: `record the host and list it under hosts of cluster ${clusterId} (a host whose id or hostname is ${node.ref.name} is recognised)`,
    });
  }
  for (const host of pairing.absent) {
    add('node-missing', host.id, {
      ...on(host),
      message: `cluster ${clusterId} lists host ${host.id}, but no node of the snapshot is it`,
      hint: `name the node like the host's id or hostname, or remove the host from the cluster's hosts`,
    });
  }
}

function stores(match: ClusterMatch, now: number, sink: Sink): void {
  for (const store of match.stores) {
    const recorded = store.service !== undefined || store.sets.length > 0;
    if (!recorded && match.isSystem(store.pg.ref.namespace)) continue;
    if (store.sets.length === 0 && store.gapRisks.length > 0) {
      sink.notices.push(`${refLabel(store.pg.ref)} has no backup set, a gap the risk ${store.gapRisks.join(', ')} records`);
    } else if (store.sets.length === 0) {
      sink.add('backup-set-missing', refPath(store.pg.ref), {
        ...(store.service ? on(store.service) : sink.onCluster),
        object: store.pg.ref,
        message: `${refLabel(store.pg.ref)} holds data, but no backup set covers it`,
        hint: 'record a backup set for it (npm run discover -- --suggest DIR drafts one), or a risk of category ops-backup-gap',
      });
    }
    // A database nothing records is reported once, as backup-set-missing.
    for (const unit of backupUnits(store, match.scope.cluster)) if (unit.record.kind !== 'cluster') backups(unit, now, sink);
  }
}

/** A failed last backup, or a last good one older than the schedule allows. */
function backups(unit: BackupUnit, now: number, { add, notices }: Sink): void {
  const where = on(unit.record);
  const last = lastFinished(unit.backups);
  if (last?.phase !== 'completed' && last) {
    add('backup-failed', `${unit.subject}:${last.ref.name}`, {
      ...where,
      object: last.ref,
      message: `the last backup of ${unit.label}, ${refLabel(last.ref)}, ${last.phase === 'failed' ? 'failed' : `ended in phase ${last.phase}`}${last.error ? `: ${safeText(last.error)}` : ''}`,
      hint: `see \`kubectl describe backup -n ${last.ref.namespace} ${last.ref.name}\` and the CloudNativePG operator's log`,
    });
  }
  const allowance = scheduleAllowance(unit.schedules);
  for (const s of allowance.unreadable) notices.push(`${refLabel(s.ref)}: schedule "${s.schedule}" is not a cron expression discover reads; backups of ${unit.label} were not checked against it`);
  const good = lastCompleted(unit.backups);
  if (allowance.ms === undefined) {
    if (!good && unit.schedules.length === 0 && unit.record.kind === 'backup-set') {
      add('backup-overdue', `${unit.subject}:none`, {
        ...where,
        message: `${unit.label} has no completed backup and no ScheduledBackup`,
        hint: 'schedule its backups with a CloudNativePG ScheduledBackup',
      });
    }
    return;
  }
  const age = good ? now - backupTime(good) : undefined;
  if (age !== undefined && age <= allowance.ms) return;
  add('backup-overdue', `${unit.subject}:${good?.ref.name ?? 'none'}`, {
    ...where,
    ...(good ? { object: good.ref } : {}),
    message: good
      ? `the last completed backup of ${unit.label}, ${refLabel(good.ref)}, is ${hours(age!)} old; its schedule allows ${hours(allowance.ms)}`
      : `${unit.label} has a schedule but no completed backup`,
    hint: 'see the ScheduledBackup and the latest backups (`kubectl get backups -n …`) and the CloudNativePG operator\'s log',
  });
}

/** Backup ages in hours up to three days (a day's schedule and its grace differ by an hour), then in days. */
function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h < 72 ? `${Math.floor(h)} h` : `${Math.floor(h / 24)} d`;
}
