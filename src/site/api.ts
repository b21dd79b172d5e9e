import type { EvidenceView, GateStatus } from '../graph/gate-status.ts';
import type { InventoryGraph } from '../graph/graph.ts';
import { impactOf, type ImpactSide } from '../graph/impact.ts';
import type { AnyRecord } from '../load/model-inventory.ts';
import { fieldPath } from '../views/fields.ts';
import { recordPath } from '../views/paths.ts';
import { API_VERSION, type GateFacts, type GatesDocument, type InventoryDocument, type RecordDocument, type ApiRecordEntry } from './api-schema.ts';

/**
 * The documents of the static read API, from the graph the pages show. Every
 * path in them is relative (to the repository, or to the site base): nothing
 * of the build machine. Record fields are the validated model, which holds no
 * secret (validate refuses one, and the site is built only from a clean run).
 */

/** Impact paths listed per record file; the counts cover everything. */
export const API_IMPACT_LIMIT = 100;

const iso = (ms: number) => new Date(ms).toISOString();

function envelope(graph: InventoryGraph, commit: string | undefined) {
  return { apiVersion: API_VERSION, now: iso(graph.now), commit: commit ?? null } as const;
}

function counted(view: EvidenceView, now: number) {
  return {
    recordId: view.recordId,
    evidence: view.evidence,
    ageMs: view.ageMs,
    ...(view.expiresAtMs !== undefined ? { expiresAt: iso(view.expiresAtMs) } : {}),
    expired: view.expiresAtMs !== undefined && view.expiresAtMs <= now,
  };
}

function gateFacts(status: GateStatus, now: number): GateFacts {
  return {
    stated: status.stated,
    effective: status.effective,
    reason: status.reason,
    ...(status.staleAtMs !== undefined ? { staleAt: iso(status.staleAtMs) } : {}),
    requirements: status.requirements.map((r) => ({
      name: r.name,
      description: r.description,
      state: r.state,
      ...(r.latest ? { latest: counted(r.latest, now) } : {}),
    })),
  };
}

const impactCounts = (side: ImpactSide) => ({ count: side.count, byKind: side.byKind });

function derivedFacts(graph: InventoryGraph, record: AnyRecord): ApiRecordEntry['derived'] {
  const gate = record.kind === 'readiness-gate' ? graph.gateStatus(record.id) : undefined;
  const coverage = record.kind === 'service' ? graph.backupCoverage().find((c) => c.store.id === record.id) : undefined;
  const wave = record.kind === 'migration-wave' ? graph.waveReadiness().find((w) => w.wave.id === record.id) : undefined;
  return {
    ...(gate ? { gate: gateFacts(gate, graph.now) } : {}),
    ...(coverage
      ? {
          backupCoverage: {
            backupSets: coverage.backupSets.map((b) => b.id),
            ...(coverage.lastVerifiedBackup ? { lastVerifiedBackup: coverage.lastVerifiedBackup } : {}),
            ...(coverage.lastRestoreTest ? { lastRestoreTest: coverage.lastRestoreTest } : {}),
            gaps: coverage.gaps,
            gapRisks: coverage.gapRisks.map((r) => r.id),
          },
        }
      : {}),
    ...(wave
      ? {
          wave: {
            verdict: wave.verdict,
            reason: wave.reason,
            counts: wave.counts,
            gates: wave.gates.map((g) => g.gate.id),
            blockingRisks: wave.blockingRisks.map((r) => r.id),
          },
        }
      : {}),
    impact: {
      downstream: impactCounts(impactOf(graph, record.id, 'downstream', { limit: 0 })),
      upstream: impactCounts(impactOf(graph, record.id, 'upstream', { limit: 0 })),
    },
  };
}

function recordEntry(graph: InventoryGraph, record: AnyRecord): ApiRecordEntry {
  return {
    id: record.id,
    kind: record.kind,
    title: record.data.title,
    file: record.file,
    page: recordPath(record.kind, record.id),
    fields: record.data,
    ...(record.body !== undefined ? { body: record.body } : {}),
    relations: {
      outgoing: graph.outgoing(record.id).map((r) => ({ field: r.field, path: fieldPath(r.path), to: r.to })),
      incoming: graph.incoming(record.id).map((r) => ({ field: r.field, path: fieldPath(r.path), from: r.from })),
    },
    derived: derivedFacts(graph, record),
  } as ApiRecordEntry;
}

/** Entries are derived once per graph: inventory.json and every record file share them. */
const entries = new WeakMap<InventoryGraph, Map<string, ApiRecordEntry>>();

function entriesOf(graph: InventoryGraph): Map<string, ApiRecordEntry> {
  let map = entries.get(graph);
  if (!map) entries.set(graph, (map = new Map(graph.all().map((r) => [r.id, recordEntry(graph, r)]))));
  return map;
}

export function inventoryDocument(graph: InventoryGraph, commit: string | undefined): InventoryDocument {
  return { ...envelope(graph, commit), records: [...entriesOf(graph).values()] };
}

export function recordDocument(graph: InventoryGraph, id: string, commit: string | undefined): RecordDocument {
  const record = entriesOf(graph).get(id);
  if (!record) throw new Error(`no record has the id ${id}`);
  return {
    ...envelope(graph, commit),
    record,
    impact: {
      downstream: impactOf(graph, id, 'downstream', { limit: API_IMPACT_LIMIT }),
      upstream: impactOf(graph, id, 'upstream', { limit: API_IMPACT_LIMIT }),
    },
  };
}

export function gatesDocument(graph: InventoryGraph, commit: string | undefined): GatesDocument {
  return {
    ...envelope(graph, commit),
    gates: graph.byKind('readiness-gate').map((gate) => ({
      id: gate.id,
      title: gate.data.title,
      owner: gate.data.owner,
      ...(gate.data.wave ? { wave: gate.data.wave } : {}),
      file: gate.file,
      page: recordPath(gate.kind, gate.id),
      ...gateFacts(graph.gateStatus(gate.id)!, graph.now),
    })),
  };
}
