import type { ModelledInventory } from '../load/model-inventory.ts';
import type { Kind } from '../model/kinds.ts';

/**
 * Checks that compare a derived whole with what is stated (the widget seed,
 * a gate's status) skip files that did not load: the difference would only
 * repeat those files' own errors. These helpers find and name such files.
 */

/** Every file with an error of its own from loading or modelling (records, the manifest, the owners registry), sorted. */
export function brokenFiles(modelled: ModelledInventory): string[] {
  return [...new Set(modelled.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file))].sort();
}

export interface BrokenRecord {
  /** The id it declares, else the one its file name gives. */
  id: string;
  kind: Kind;
  file: string;
  /** Its fields as parsed, when it parsed at all (a schema error); null after a syntax or file error. */
  data: Record<string, unknown> | null;
}

/** The record files among the broken ones: kept out of the graph, so whatever counts them is not derived in full. */
export function brokenRecords(modelled: ModelledInventory): BrokenRecord[] {
  const broken = new Set(brokenFiles(modelled));
  return modelled.files
    .filter((f) => broken.has(f.file))
    .map((f) => {
      const data = f.data as Record<string, unknown> | null;
      return { id: typeof data?.id === 'string' ? data.id : f.fileId, kind: f.kind, file: f.file, data };
    });
}

/** "a, b, c and 2 more": the first few named, the rest counted. */
export function nameSome(names: readonly string[], shown = 3): string {
  const rest = names.length - shown;
  return names.slice(0, shown).join(', ') + (rest > 0 ? ` and ${rest} more` : '');
}

/** Whether a backup set that did not load may cover a store: it names the store, or it did not parse far enough to say. */
export function mayCover(record: BrokenRecord, storeId: string): boolean {
  if (record.kind !== 'backup-set') return false;
  const service = record.data?.service;
  return typeof service !== 'string' || service === storeId;
}
