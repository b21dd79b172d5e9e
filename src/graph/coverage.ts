import type { Evidence } from '../model/evidence.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import { RETIRED_STATUSES } from '../model/schemas.ts';
import { latestBackupEvidence } from './backup-evidence.ts';
import type { GraphQueries } from './graph-queries.ts';

export type CoverageGap = 'no-backup-set' | 'backup-unverified' | 'backup-failing' | 'restore-untested' | 'restore-failing';

export interface StoreCoverage {
  store: InventoryRecord<'service'>;
  backupSets: InventoryRecord<'backup-set'>[];
  /** Latest verified backup over all of the store's backup sets, observed up to `now`. */
  lastVerifiedBackup?: Evidence;
  lastRestoreTest?: Evidence;
  gaps: CoverageGap[];
  /** Risks of category ops-backup-gap that record this store's gap. */
  gapRisks: InventoryRecord<'risk'>[];
}

const BACKUP_GAP_CATEGORY = 'ops-backup-gap';

/** Every persistent store (a live service with `persistent: true`) × its backup sets. */
export function deriveBackupCoverage(graph: GraphQueries): StoreCoverage[] {
  // Picked once: every store would otherwise look through every risk.
  const backupGapRisks = graph.byKind('risk').filter((r) => r.data.category === BACKUP_GAP_CATEGORY);
  return graph
    .byKind('service')
    .filter((s) => s.data.persistent === true && !RETIRED_STATUSES.has(s.data.status))
    .map((store) => {
      const backupSets = graph
        .referrers(store.id, 'backup-set', 'service')
        .filter((b) => !RETIRED_STATUSES.has(b.data.status));
      const lastVerifiedBackup = latestBackupEvidence(backupSets, 'lastVerifiedBackup', graph.now)?.evidence;
      const lastRestoreTest = latestBackupEvidence(backupSets, 'lastRestoreTest', graph.now)?.evidence;
      const gaps: CoverageGap[] = [];
      if (backupSets.length === 0) gaps.push('no-backup-set');
      else if (!lastVerifiedBackup) gaps.push('backup-unverified');
      else if (lastVerifiedBackup.result === 'fail') gaps.push('backup-failing');
      if (!lastRestoreTest) gaps.push('restore-untested');
      else if (lastRestoreTest.result === 'fail') gaps.push('restore-failing');
      const concerned = new Set([store.id, ...backupSets.map((b) => b.id)]);
      const gapRisks = backupGapRisks.filter((r) => r.data.affects.some((id) => concerned.has(id)));
      return {
        store,
        backupSets,
        ...(lastVerifiedBackup ? { lastVerifiedBackup } : {}),
        ...(lastRestoreTest ? { lastRestoreTest } : {}),
        gaps,
        gapRisks,
      };
    });
}

/** Share of persistent stores with at least one live backup set. */
export function coverageRatio(coverage: readonly StoreCoverage[]): { covered: number; total: number } {
  return { covered: coverage.filter((c) => c.backupSets.length > 0).length, total: coverage.length };
}
