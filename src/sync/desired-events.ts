import { stripQuery } from '../util/url.ts';
import { createHash } from 'node:crypto';
import type { InventoryGraph } from '../graph/graph.ts';
import type { Evidence, EvidenceSource } from '../model/evidence.ts';
import type { EmittedEventType } from '../model/events.ts';
import type { AnyRecord, InventoryRecord } from '../load/model-inventory.ts';
import { toEpochMs } from '../model/time.ts';
import { SERVICE_CATALOG, widgetNameOf } from '../seeds/desired-widgets.ts';

export type Fact = string | number | boolean | string[];

/** An interaction event the inventory implies, before Inter-Hub is asked whether it already has it. */
export interface DesiredEvent {
  recordId: string;
  /** The record's file in this repo (metadata.sourcePath), so the event traces back to Git. */
  sourcePath: string;
  /** The widget the event is posted on. */
  widgetName: string;
  eventType: EmittedEventType;
  idempotencyKey: string;
  /** ISO date-time the event speaks of; sent as metadata.attributes.observed_at. */
  observedAt: string;
  viewContext: string;
  /** Non-secret facts about what was observed (HF-WP-0001 T07 shape: endpoint, expectedStatus, observedHeader). */
  facts: Record<string, Fact>;
  /** Set on gate status events: posted only when the gate's last announced status differs. */
  gateStatus?: 'passed' | 'failed';
}

/** Every key ops-hub gives starts with this; other keys on our widgets are someone else's. */
export const KEY_PREFIX = 'ops-hub:';

/** Deterministic and free of times that change between runs, so a re-run finds what it posted. */
export function idempotencyKey(...parts: string[]): string {
  return `${KEY_PREFIX}${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
}

export function iso(timestamp: string): string {
  return new Date(toEpochMs(timestamp)).toISOString();
}

export function evidenceFingerprint(evidence: Evidence): string {
  const s = evidence.source;
  return [evidence.observedAt, evidence.result, s.url ?? '', s.repo ?? '', s.commit ?? '', s.workplan ?? '', s.probe ?? ''].join('|');
}

/** Where a reviewer checks a fact: the owning repo's workplan (HF-WP-0001 T07), its URL, or the record file. */
function sourceContext(record: AnyRecord, source: EvidenceSource | undefined): string {
  if (source?.workplan) return `${record.data.owner}/workplans/${source.workplan}`;
  return source?.url ? stripQuery(source.url) : record.file;
}

function evidenceEvent(
  record: AnyRecord,
  widgetName: string,
  eventType: EmittedEventType,
  evidence: Evidence,
  facts: Record<string, Fact>,
): DesiredEvent {
  return {
    recordId: record.id,
    sourcePath: record.file,
    widgetName,
    eventType,
    idempotencyKey: idempotencyKey(widgetName, eventType, record.id, evidenceFingerprint(evidence)),
    observedAt: iso(evidence.observedAt),
    viewContext: sourceContext(record, evidence.source),
    facts: { result: evidence.result, summary: evidence.summary, ...(evidence.observed ?? {}), ...facts },
  };
}

function endpointEvents(graph: InventoryGraph, endpoint: InventoryRecord<'endpoint'>): DesiredEvent[] {
  // The endpoint's own widget, and every gate that counts this endpoint's evidence (HF-WP-0001 T07 posts on the gate).
  const gates = graph.byKind('readiness-gate').filter((g) => (g.data.requires ?? []).some((r) => r.endpoint === endpoint.id));
  const targets = [widgetNameOf(endpoint), ...gates.map(widgetNameOf)];
  const facts = { endpoint: stripQuery(endpoint.data.url), expectedStatus: endpoint.data.expect.status };
  const evidence = endpoint.data.evidence ?? [];
  const verified = evidence
    .filter((e) => e.result === 'pass')
    .flatMap((e) => targets.map((target) => evidenceEvent(endpoint as AnyRecord, target, 'ops-endpoint-verified', e, facts)));
  // Every observation `npm run probe` recorded, pass or fail, on the endpoint's own widget.
  const checked = evidence
    .filter((e) => e.source.probe === 'probe')
    .map((e) => evidenceEvent(endpoint as AnyRecord, widgetNameOf(endpoint), 'ops-health-checked', e, facts));
  return [...verified, ...checked];
}

/** A release as observed, on its own widget and on its service's. */
function releaseEvents(release: InventoryRecord<'release'>): DesiredEvent[] {
  const { version, service, observedAt, source } = release.data;
  const targets = [widgetNameOf(release), widgetNameOf({ kind: 'service', id: service })];
  return targets.map((widgetName) => ({
    recordId: release.id,
    sourcePath: release.file,
    widgetName,
    eventType: 'ops-release-observed',
    idempotencyKey: idempotencyKey(widgetName, 'ops-release-observed', release.id, version, iso(observedAt)),
    observedAt: iso(observedAt),
    viewContext: sourceContext(release as AnyRecord, source),
    facts: { release: release.id, service, version, status: release.data.status },
  }));
}

function backupEvents(set: InventoryRecord<'backup-set'>): DesiredEvent[] {
  const facts = { store: set.data.service };
  const out: DesiredEvent[] = [];
  if (set.data.lastVerifiedBackup?.result === 'pass') {
    out.push(evidenceEvent(set as AnyRecord, widgetNameOf(set), 'ops-backup-verified', set.data.lastVerifiedBackup, facts));
  }
  if (set.data.lastRestoreTest?.result === 'pass') {
    out.push(evidenceEvent(set as AnyRecord, widgetNameOf(set), 'ops-restore-tested', set.data.lastRestoreTest, facts));
  }
  return out;
}

function runbookEvents(runbook: InventoryRecord<'runbook'>): DesiredEvent[] {
  return (runbook.data.executions ?? []).map((e) => evidenceEvent(runbook as AnyRecord, widgetNameOf(runbook), 'ops-runbook-executed', e, {}));
}

function riskEvents(risk: InventoryRecord<'risk'>, nowIso: string): DesiredEvent[] {
  const widgetName = widgetNameOf(risk);
  const facts = { severity: risk.data.severity, category: risk.data.category, affects: risk.data.affects };
  const event = (eventType: 'ops-risk-raised' | 'ops-risk-accepted', observedAt: string): DesiredEvent => ({
    recordId: risk.id,
    sourcePath: risk.file,
    widgetName,
    eventType,
    idempotencyKey: idempotencyKey(widgetName, eventType, risk.id),
    observedAt,
    viewContext: risk.file,
    facts: { ...facts, status: risk.data.status },
  });
  const raised = event('ops-risk-raised', risk.data.raisedAt ? iso(risk.data.raisedAt) : nowIso);
  return risk.data.status === 'accepted' ? [raised, event('ops-risk-accepted', nowIso)] : [raised];
}

function gateEvents(graph: InventoryGraph, gate: InventoryRecord<'readiness-gate'>, nowIso: string): DesiredEvent[] {
  const status = graph.gateStatus(gate.id);
  if (!status || (status.effective !== 'passed' && status.effective !== 'failed')) return [];
  const effective = status.effective;
  const deciding = status.requirements.flatMap((r) => (r.latest ? [r.latest] : []));
  const basis = deciding.map((v) => `${v.recordId}:${evidenceFingerprint(v.evidence)}`).sort();
  const newest = deciding.reduce<number | undefined>((max, v) => (max === undefined || v.observedAtMs > max ? v.observedAtMs : max), undefined);
  const widgetName = widgetNameOf(gate);
  const eventType = effective === 'passed' ? 'ops-migration-gate-passed' : 'ops-migration-gate-failed';
  return [
    {
      recordId: gate.id,
      sourcePath: gate.file,
      widgetName,
      eventType,
      idempotencyKey: idempotencyKey(widgetName, eventType, gate.id, ...basis),
      observedAt: newest === undefined ? nowIso : new Date(newest).toISOString(),
      viewContext: gate.file,
      facts: {
        effectiveStatus: effective,
        statedStatus: status.stated,
        reason: status.reason,
        ...(gate.data.wave ? { wave: gate.data.wave } : {}),
      },
      gateStatus: effective,
    },
  ];
}

function registeredEvent(record: AnyRecord, nowIso: string): DesiredEvent {
  const widgetName = widgetNameOf(record);
  return {
    recordId: record.id,
    sourcePath: record.file,
    widgetName,
    eventType: 'ops-inventory-registered',
    idempotencyKey: idempotencyKey(widgetName, 'ops-inventory-registered', record.id),
    observedAt: nowIso,
    viewContext: record.file,
    facts: { kind: record.kind, title: record.data.title },
  };
}

/** The service catalogue is registered like a record's widget, once. */
function catalogRegistered(nowIso: string): DesiredEvent {
  const { name, mappingKey, viewContext } = SERVICE_CATALOG;
  return {
    recordId: '',
    sourcePath: viewContext,
    widgetName: name,
    eventType: 'ops-inventory-registered',
    idempotencyKey: idempotencyKey(name, 'ops-inventory-registered', mappingKey),
    observedAt: nowIso,
    viewContext,
    facts: { kind: mappingKey, title: 'Service catalogue' },
  };
}

/** Every event the inventory implies, drift aside (that needs Inter-Hub's side); stable order. */
export function desiredEvents(graph: InventoryGraph): DesiredEvent[] {
  const nowIso = new Date(graph.now).toISOString();
  const out: DesiredEvent[] = [catalogRegistered(nowIso)];
  for (const record of graph.all()) {
    out.push(registeredEvent(record, nowIso));
    if (record.kind === 'endpoint') out.push(...endpointEvents(graph, record));
    if (record.kind === 'release') out.push(...releaseEvents(record));
    if (record.kind === 'backup-set') out.push(...backupEvents(record));
    if (record.kind === 'runbook') out.push(...runbookEvents(record));
    if (record.kind === 'risk') out.push(...riskEvents(record, nowIso));
    if (record.kind === 'readiness-gate') out.push(...gateEvents(graph, record, nowIso));
  }
  return byWidgetAndKey(out);
}

/** The order plans and reports list events in. */
export function byWidgetAndKey<T extends { widgetName: string; idempotencyKey: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.widgetName === b.widgetName ? (a.idempotencyKey < b.idempotencyKey ? -1 : 1) : a.widgetName < b.widgetName ? -1 : 1));
}
