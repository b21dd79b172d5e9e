import type { InventoryRecord } from '../load/model-inventory.ts';
import type { Evidence } from '../model/evidence.ts';
import { toEpochMs } from '../model/time.ts';

export type BackupEvidenceField = 'lastVerifiedBackup' | 'lastRestoreTest';

export interface HeldEvidence {
  evidence: Evidence;
  /** The backup set it is written in. */
  recordId: string;
}

/**
 * The newest evidence of one kind over a store's backup sets, as backup
 * coverage and a gate's `store:` requirement both count it. Evidence dated
 * after `now` does not count yet (validate warns about it).
 */
export function latestBackupEvidence(
  sets: readonly InventoryRecord<'backup-set'>[],
  field: BackupEvidenceField,
  now: number,
): HeldEvidence | undefined {
  let newest: (HeldEvidence & { at: number }) | undefined;
  for (const set of sets) {
    const evidence = set.data[field];
    const at = evidence ? toEpochMs(evidence.observedAt) : NaN;
    if (evidence && at <= now && (newest === undefined || at > newest.at)) newest = { evidence, recordId: set.id, at };
  }
  return newest && { evidence: newest.evidence, recordId: newest.recordId };
}
