import { isDeepStrictEqual } from 'node:util';
import type { Evidence } from '../model/evidence.ts';
import type { SkippedEvidence } from '../output/discover-report.ts';
import { RETIRED_STATUSES } from '../model/schemas.ts';
import { isoSeconds } from '../model/time.ts';
import type { EvidenceTarget, FieldTarget } from '../probe/evidence-plan.ts';
import { isProbeEvidenceFor } from '../probe/refresh.ts';
import { DEFAULT_PROBE_MAX_AGE } from '../probe/run-probes.ts';
import { backupUnits, lastFinished } from './backup-units.ts';
import { backupTime, type ClusterMatch } from './match.ts';
import { safeText } from './safe-text.ts';
import type { Backup, Certificate } from './snapshot.ts';

export interface DiscoveredEvidence {
  /** Certificate evidence, one discover item per endpoint in its `evidence` list. */
  targets: EvidenceTarget[];
  /** A backup set's lastVerifiedBackup and schedule. */
  fields: FieldTarget[];
  skipped: SkippedEvidence[];
}

const COLLECTOR = 'discover';
const isDiscovered = isProbeEvidenceFor(undefined, COLLECTOR);

/**
 * What the cluster proves, as edits under the probe's refresh rule: one
 * discover item per thing (per endpoint; per backup set), replaced in place;
 * evidence written by people is never touched. Its max age: `--max-age`, else
 * the one on the discover item it replaces, else the probe's default.
 */
export function discoveredEvidence(match: ClusterMatch, options: { now: number; maxAge?: string }): DiscoveredEvidence {
  const clusterId = match.scope.cluster.id;
  const maxAgeAfter = (previous: Evidence | undefined) => options.maxAge ?? previous?.maxAge ?? DEFAULT_PROBE_MAX_AGE;
  const targets: EvidenceTarget[] = [];
  for (const endpoint of match.scope.endpoints) {
    const url = new URL(endpoint.data.url);
    if (RETIRED_STATUSES.has(endpoint.data.status) || url.protocol !== 'https:') continue;
    const certificate = match.certificatesFor(url.hostname.toLowerCase())[0];
    if (!certificate) continue;
    const previous = (endpoint.data.evidence ?? []).find(isDiscovered);
    targets.push({ record: endpoint, item: certificateEvidence(certificate, clusterId, { observedAt: isoSeconds(options.now), maxAge: maxAgeAfter(previous) }, options.now) });
  }

  const fields: FieldTarget[] = [];
  const skipped: SkippedEvidence[] = [];
  const seen = new Set<string>();
  for (const store of match.stores) {
    for (const unit of backupUnits(store, match.scope.cluster)) {
      if (unit.record.kind !== 'backup-set') continue;
      const set = unit.record;
      const skip = (field: string, reason: string) => skipped.push({ recordId: set.id, file: set.file, field, reason });
      if (seen.has(set.id)) {
        skip('lastVerifiedBackup', 'its service stands for more than one CloudNativePG cluster; give the backup set a k8s block naming the one it covers');
        continue;
      }
      seen.add(set.id);
      const last = lastFinished(unit.backups);
      const existing = set.data.lastVerifiedBackup;
      if (last && backupTime(last) === 0) {
        skip('lastVerifiedBackup', `${last.ref.namespace}/${last.ref.name} gives no time it ran`);
      } else if (last && existing && !isDiscovered(existing)) {
        skip('lastVerifiedBackup', 'it holds evidence written by a person, which discover never replaces; remove it to let discover keep it current');
      } else if (last) {
        const item = backupEvidence(last, clusterId, maxAgeAfter(existing));
        if (!isDeepStrictEqual(existing, item)) fields.push({ record: set, field: 'lastVerifiedBackup', value: item });
      }
      const schedule = scheduleOf(unit.schedules.map((s) => s.schedule));
      if (schedule !== undefined && schedule !== set.data.schedule) fields.push({ record: set, field: 'schedule', value: schedule });
    }
  }
  return { targets, fields, skipped };
}

/** Several ScheduledBackups of one database: their crons, in a stable order. */
function scheduleOf(crons: readonly string[]): string | undefined {
  return crons.length > 0 ? [...new Set(crons)].sort().join('; ') : undefined;
}

/** A cert-manager Certificate as evidence on an endpoint of one of its hosts: Ready, notAfter, issuer. */
export function certificateEvidence(c: Certificate, clusterId: string, stamp: { observedAt: string; maxAge: string }, now: number): Evidence {
  const notAfter = c.notAfter ? isoSeconds(Date.parse(c.notAfter)) : undefined;
  const name = `${c.ref.namespace}/${c.ref.name}`;
  const valid = c.ready === 'True' && c.notAfter !== undefined && Date.parse(c.notAfter) > now;
  const why = [c.reason, c.message && safeText(c.message)].filter(Boolean).join(': ');
  const summary = valid
    ? `certificate ${name} is Ready, valid until ${notAfter}, issued by ${c.issuer}`
    : c.ready === 'True'
      ? `certificate ${name} is Ready but ${notAfter ? `expired on ${notAfter}` : 'states no expiry'} (issued by ${c.issuer})`
      : `certificate ${name} is not Ready${why ? ` (${why})` : ''}, issued by ${c.issuer}`;
  return {
    result: valid ? 'pass' : 'fail',
    observedAt: stamp.observedAt,
    maxAge: stamp.maxAge,
    summary,
    source: { probe: COLLECTOR },
    observed: {
      cluster: clusterId,
      certificate: name,
      ready: c.ready,
      ...(notAfter ? { notAfter } : {}),
      issuer: c.issuer,
      ...(c.reason ? { reason: c.reason } : {}),
    },
  };
}

/** A CloudNativePG Backup as a backup set's lastVerifiedBackup: completed → pass at stoppedAt, failed → fail with its error. */
export function backupEvidence(b: Backup, clusterId: string, maxAge: string): Evidence {
  const name = `${b.ref.namespace}/${b.ref.name}`;
  const ok = b.phase === 'completed';
  const error = b.error ? safeText(b.error) : undefined;
  return {
    result: ok ? 'pass' : 'fail',
    observedAt: isoSeconds(backupTime(b)),
    maxAge,
    summary: ok
      ? `CloudNativePG backup ${name} completed${b.method ? ` (${b.method})` : ''}`
      : `CloudNativePG backup ${name} ${b.phase === 'failed' ? 'failed' : `ended in phase ${b.phase}`}${error ? `: ${error}` : ''}`,
    source: { probe: COLLECTOR },
    observed: {
      cluster: clusterId,
      database: `${b.ref.namespace}/${b.cluster}`,
      backup: name,
      phase: b.phase ?? 'unknown',
      ...(b.method ? { method: b.method } : {}),
      ...(b.startedAt ? { startedAt: isoSeconds(Date.parse(b.startedAt)) } : {}),
      ...(b.stoppedAt ? { stoppedAt: isoSeconds(Date.parse(b.stoppedAt)) } : {}),
      ...(error ? { error } : {}),
    },
  };
}
