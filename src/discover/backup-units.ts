import type { InventoryRecord } from '../load/model-inventory.ts';
import { longestIntervalMs } from './cron.ts';
import type { StoreMatch } from './match.ts';
import { refLabel } from '../output/discover-report.ts';
import { refPath, type Backup, type ScheduledBackup } from './snapshot.ts';

/** How long past its schedule's longest gap a backup may take to run before it counts as overdue. */
export const BACKUP_GRACE_MS = 3_600_000;

/** The backups one record answers for: a backup set's (a ScheduledBackup's when it names one), else the store's own. */
export interface BackupUnit {
  /** Where findings and evidence go: the backup set, else the store's service, else the cluster. */
  record: InventoryRecord<'backup-set'> | InventoryRecord<'service'> | InventoryRecord<'cluster'>;
  /** Stable part of finding keys. */
  subject: string;
  /** For people: `backup set x (Cluster ns/name)`. */
  label: string;
  /** Newest first. */
  backups: Backup[];
  schedules: ScheduledBackup[];
}

export function backupUnits(store: StoreMatch, cluster: InventoryRecord<'cluster'>): BackupUnit[] {
  const pg = refLabel(store.pg.ref);
  if (store.sets.length === 0) {
    return [{ record: store.service ?? cluster, subject: refPath(store.pg.ref), label: pg, backups: store.backups, schedules: store.schedules }];
  }
  return store.sets.map(({ set, scheduledBackup }) => ({
    record: set,
    subject: set.id,
    label: `backup set ${set.id} (${pg}${scheduledBackup ? `, ScheduledBackup ${scheduledBackup}` : ''})`,
    backups: scheduledBackup ? store.backups.filter((b) => b.scheduledBackup === scheduledBackup) : store.backups,
    schedules: scheduledBackup ? store.schedules.filter((s) => s.ref.name === scheduledBackup) : store.schedules,
  }));
}

// Clusters mostly share a few schedules: each is worked out once.
const INTERVALS = new Map<string, number | undefined>();
function intervalOf(schedule: string): number | undefined {
  if (!INTERVALS.has(schedule)) INTERVALS.set(schedule, longestIntervalMs(schedule));
  return INTERVALS.get(schedule);
}

const FAILED = new Set(['failed', 'walArchivingFailing']);

/** The newest backup that ended, well or not (running and pending ones have not). */
export function lastFinished(backups: readonly Backup[]): Backup | undefined {
  return backups.find((b) => b.phase === 'completed' || FAILED.has(b.phase ?? ''));
}

export function lastCompleted(backups: readonly Backup[]): Backup | undefined {
  return backups.find((b) => b.phase === 'completed');
}

/**
 * How old the last completed backup may be: the longest gap of the most
 * frequent schedule, plus BACKUP_GRACE_MS for the backup to run; undefined
 * without a schedule discover can read (those are listed).
 */
export function scheduleAllowance(schedules: readonly ScheduledBackup[]): { ms?: number; unreadable: ScheduledBackup[] } {
  const intervals = schedules.map((s) => ({ s, ms: intervalOf(s.schedule) }));
  const readable = intervals.flatMap((i) => (i.ms === undefined ? [] : [i.ms]));
  return {
    ...(readable.length > 0 ? { ms: Math.min(...readable) + BACKUP_GRACE_MS } : {}),
    unreadable: intervals.filter((i) => i.ms === undefined).map((i) => i.s),
  };
}
