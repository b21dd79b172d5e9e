import type { InventoryGraph } from '../graph/graph.ts';
import { STALE_SOON_MS } from '../graph/gate-status.ts';
import type { Evidence } from '../model/evidence.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import type { PathSegment } from '../model/references.ts';
import { RETIRED_STATUSES, type Requirement } from '../model/schemas.ts';
import { formatAge, toEpochMs } from '../model/time.ts';
import { at } from './at.ts';
import { mayCover, nameSome, type BrokenRecord } from './broken-records.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../util/did-you-mean.ts';

const REFRESH_HINT = 'record fresh evidence (run `npm run probe -- --write` for endpoints, or add an evidence item)';

/**
 * Evidence is consistent with the requirements, dated in the past, and the
 * stated status matches it. A gate that counts evidence of a record that did
 * not load (`broken`) gets a notice instead of the comparison, which would
 * only echo that record's own errors.
 */
export function checkGates(graph: InventoryGraph, broken: readonly BrokenRecord[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const gate of graph.byKind('readiness-gate')) {
    const where = { file: gate.file, positions: gate.positions, id: gate.id };
    const requires = gate.data.requires ?? [];
    const names = requires.map((r) => r.name);
    if (requires.length === 0) {
      out.push(at(where, ['requirement'], 'warning', 'gate-without-requirements',
        'the gate declares no evidence requirements, so it can never pass',
        'add `requires:` with one named item per piece of evidence the gate needs'));
    }
    requires.forEach((req, i) => {
      if (names.indexOf(req.name) !== i) {
        out.push(at(where, ['requires', i, 'name'], 'error', 'duplicate-requirement', `requirement "${req.name}" is declared twice`, 'give each requirement a distinct name'));
      }
      out.push(...checkStore(graph, gate, req, i));
    });
    (gate.data.evidence ?? []).forEach((e, i) => {
      const store = requires.find((r) => r.name === e.requirement)?.store;
      if (store !== undefined) {
        out.push(at(where, ['evidence', i, 'requirement'], 'error', 'evidence-for-store-requirement',
          `requirement "${e.requirement}" takes its evidence from the backup sets of "${store}", so this item does not count`,
          `record it as lastVerifiedBackup or lastRestoreTest of a backup set of ${store} (inventory/backup-sets/), and remove it here`));
      } else if (e.requirement === undefined && requires.length > 0) {
        out.push(at(where, ['evidence', i], 'error', 'evidence-without-requirement',
          'this evidence does not say which requirement it speaks to',
          `add requirement: with one of ${names.join(', ')}`));
      } else if (e.requirement !== undefined && !names.includes(e.requirement)) {
        out.push(at(where, ['evidence', i, 'requirement'], 'error', 'unknown-requirement',
          `no requirement "${e.requirement}" is declared by this gate`,
          didYouMean(e.requirement, names) ?? `declare it under requires:, or use one of ${names.join(', ') || '(none declared)'}`));
      }
    });

    const unloaded = broken.filter((b) => requires.some((req) => mayFeed(b, req)));
    if (unloaded.length > 0) {
      out.push(at(where, ['status'], 'notice', 'gate-status-unchecked',
        `the stated status was not compared with the evidence: the gate counts evidence of ${nameSome(unloaded.map((b) => `${b.id} (${b.file})`))}, which did not load`,
        `fix ${unloaded.length === 1 ? 'that file' : 'those files'}; validate then derives the gate's status again`));
      continue;
    }
    const status = graph.gateStatus(gate.id)!;
    if (status.stated !== status.effective) {
      out.push(at(where, ['status'], 'warning', 'gate-status-mismatch',
        `status says "${status.stated}", but the evidence makes it "${status.effective}" (${status.reason})`,
        status.effective === 'stale' ? REFRESH_HINT : `set status: ${status.effective === 'failed' ? 'failed' : status.effective === 'passed' ? 'passed' : 'pending'}, or add the evidence that supports the stated status`));
    }
    if (status.staleAtMs !== undefined && status.staleAtMs - graph.now <= STALE_SOON_MS && status.effective === 'passed') {
      const soonest = status.requirements.find((r) => r.latest?.expiresAtMs === status.staleAtMs);
      out.push(at(where, ['status'], 'notice', 'gate-going-stale',
        `goes stale on ${new Date(status.staleAtMs).toISOString().slice(0, 10)} (in ${formatAge(status.staleAtMs - graph.now)}) when the evidence for "${soonest?.name}" expires`,
        REFRESH_HINT));
    }
  }
  out.push(...checkEvidenceDates(graph));
  return out;
}

/** A `store:` names a live persistent store: only those have backup coverage, so only they can meet it. */
function checkStore(graph: InventoryGraph, gate: InventoryRecord<'readiness-gate'>, req: Requirement, i: number): Diagnostic[] {
  // An unknown id or another kind is the reference check's; a store that did not load has its own errors.
  const store = req.store === undefined ? undefined : graph.get(req.store);
  if (store?.kind !== 'service') return [];
  const where = { file: gate.file, positions: gate.positions, id: gate.id };
  if (store.data.persistent !== true) {
    const stores = graph.byKind('service').filter((s) => s.data.persistent === true).map((s) => s.id);
    return [at(where, ['requires', i, 'store'], 'error', 'store-not-persistent',
      `store: "${store.id}" is not a persistent data store, so no backup coverage can meet "${req.name}"`,
      didYouMean(store.id, stores) ?? `name a service with persistent: true, or set persistent: true on ${store.file}`)];
  }
  if (RETIRED_STATUSES.has(store.data.status)) {
    return [at(where, ['requires', i, 'store'], 'warning', 'store-retired',
      `store: "${store.id}" is ${store.data.status}, so its backup sets no longer count and "${req.name}" cannot be met`,
      `remove the requirement, or name the store that replaced ${store.id}`)];
  }
  return [];
}

/**
 * Whether a record that did not load could hold evidence a requirement counts:
 * its endpoint, its store, or a backup set that may cover that store.
 */
function mayFeed(record: BrokenRecord, req: Requirement): boolean {
  return record.id === req.endpoint || record.id === req.store || (req.store !== undefined && mayCover(record, req.store));
}

/** Evidence dated after `now` is a typo or a clock problem; it is not counted. */
function checkEvidenceDates(graph: InventoryGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = (record: InventoryRecord, path: PathSegment[], evidence: Evidence | undefined) => {
    if (evidence && toEpochMs(evidence.observedAt) > graph.now) {
      out.push(at({ file: record.file, positions: record.positions, id: record.id }, [...path, 'observedAt'], 'warning',
        'evidence-from-future', `observedAt ${evidence.observedAt} is in the future, so this evidence does not count yet`,
        'correct the date (it is compared with --now, default the current time)'));
    }
  };
  for (const g of graph.byKind('readiness-gate')) (g.data.evidence ?? []).forEach((e, i) => check(g, ['evidence', i], e));
  for (const e of graph.byKind('endpoint')) (e.data.evidence ?? []).forEach((ev, i) => check(e, ['evidence', i], ev));
  for (const r of graph.byKind('runbook')) (r.data.executions ?? []).forEach((ev, i) => check(r, ['executions', i], ev));
  for (const b of graph.byKind('backup-set')) {
    check(b, ['lastVerifiedBackup'], b.data.lastVerifiedBackup);
    check(b, ['lastRestoreTest'], b.data.lastRestoreTest);
  }
  return out;
}
