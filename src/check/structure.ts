import type { InventoryGraph } from '../graph/graph.ts';
import { at } from './at.ts';
import { mayCover, nameSome, type BrokenRecord } from './broken-records.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/**
 * Facts the schema cannot see: coverage gaps recorded, environments
 * consistent, waves that move. A store a backup set that did not load may
 * cover gets a notice instead of a gap: the gap would only echo that file's errors.
 */
export function checkStructure(graph: InventoryGraph, broken: readonly BrokenRecord[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const loc = (r: { file: string; positions: import('../load/parse-yaml.ts').SourcePositions; id: string }) => ({
    file: r.file,
    positions: r.positions,
    id: r.id,
  });

  for (const c of graph.backupCoverage()) {
    if (!c.gaps.includes('no-backup-set') || c.gapRisks.length > 0) continue;
    const unloaded = broken.filter((b) => mayCover(b, c.store.id));
    if (unloaded.length > 0) {
      out.push(at(loc(c.store), ['persistent'], 'notice', 'backup-gap-unchecked',
        `whether "${c.store.id}" has a backup set was not checked: ${nameSome(unloaded.map((b) => b.file))} did not load`,
        `fix ${unloaded.length === 1 ? 'that file' : 'those files'}; validate then checks the store's backup coverage again`));
    } else {
      out.push(at(loc(c.store), ['persistent'], 'warning', 'backup-gap-unrecorded',
        `persistent store "${c.store.id}" has no backup set and no risk records the gap`,
        `add a backup set in inventory/backup-sets/, or a risk with category ops-backup-gap that affects ${c.store.id}`));
    }
  }
  for (const b of graph.byKind('backup-set')) {
    const store = graph.get(b.data.service);
    if (store?.kind === 'service' && store.data.persistent !== true) {
      out.push(at(loc(b), ['service'], 'warning', 'backup-of-non-persistent',
        `backs up "${store.id}", which is not marked persistent, so coverage ignores it`,
        `set persistent: true on ${store.file}`));
    }
  }
  for (const wave of graph.byKind('migration-wave')) {
    if (wave.data.from === wave.data.to) {
      out.push(at(loc(wave), ['to'], 'error', 'wave-same-environment', 'a migration wave must move between two environments',
        'set from: and to: to different environments'));
    }
  }
  // Only environments that resolve are compared; a dangling one is reported by the reference check.
  const envOf = (id: string | undefined) => {
    const record = id === undefined ? undefined : graph.get(id);
    const env = record && 'environment' in record.data ? record.data.environment : undefined;
    return env !== undefined && graph.get(env)?.kind === 'environment' ? env : undefined;
  };
  for (const cluster of graph.byKind('cluster')) {
    cluster.data.hosts.forEach((host, i) => {
      const env = envOf(host);
      if (env !== undefined && env !== cluster.data.environment) {
        out.push(at(loc(cluster), ['hosts', i], 'warning', 'environment-mismatch',
          `host "${host}" is in environment "${env}", the cluster in "${cluster.data.environment}"`,
          'move the host or the cluster so both name the same environment'));
      }
    });
  }
  for (const service of graph.byKind('service')) {
    for (const field of ['cluster', 'host'] as const) {
      const env = envOf(service.data[field]);
      if (env !== undefined && env !== service.data.environment) {
        out.push(at(loc(service), [field], 'warning', 'environment-mismatch',
          `${field} "${service.data[field]}" is in environment "${env}", the service in "${service.data.environment}"`,
          `set environment: ${env}, or run the service on a ${field} of ${service.data.environment}`));
      }
    }
  }
  return out;
}
