import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { InventoryGraph } from '../graph/graph.ts';
import { openInventory, type OpenedInventory } from '../inventory.ts';
import type { ParseCache } from '../load/parse-many.ts';
import { directorySource, overlaySource, readText, type InventorySource } from '../load/source.ts';
import { withInventoryLock } from '../load/write-lock.ts';
import type { Evidence } from '../model/evidence.ts';
import type { AnyRecord, InventoryRecord } from '../load/model-inventory.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { isProbeEvidenceFor, refreshed } from './refresh.ts';
import { EvidenceEditError, spliceEvidence, spliceField, type EvidenceSplice } from './write-evidence.ts';
import type { Hunk } from '../output/probe-report.ts';

/** A new evidence item for one record (for a gate: one requirement). */
export interface EvidenceTarget {
  record: InventoryRecord<'endpoint'> | InventoryRecord<'readiness-gate'>;
  item: Evidence;
}

export interface EvidenceChange {
  file: string;
  recordId: string;
  requirement?: string;
  action: 'add' | 'replace';
  item: Evidence;
  hunks: Hunk[];
}

/** A new value for one single-valued field of a record: a backup set's lastVerifiedBackup or schedule (discover). */
export interface FieldTarget {
  record: AnyRecord;
  field: string;
  value: Evidence | string;
}

export interface EvidenceFieldEdit extends FieldTarget {
  file: string;
  recordId: string;
  action: 'add' | 'replace';
  hunks: Hunk[];
}

export interface EvidencePlan {
  targets: readonly EvidenceTarget[];
  changes: EvidenceChange[];
  fieldChanges: EvidenceFieldEdit[];
  /** The new text of every edited file, by inventory-relative path. */
  texts: Map<string, string>;
  /** The inventory as it reads with the edits: what gates become. */
  after: OpenedInventory;
}

/**
 * Computes the edited files and proves them before anything is written: the
 * edited inventory is opened through the loader like any other, must have no
 * errors, and each edited record must read back as exactly the old record
 * with its evidence refreshed (and its `fields` set). Throws, naming the
 * file, when not.
 */
export async function planEvidence(
  source: InventorySource,
  before: OpenedInventory,
  targets: readonly EvidenceTarget[],
  options: { cache?: ParseCache; fields?: readonly FieldTarget[] } = {},
): Promise<EvidencePlan> {
  const texts = new Map<string, string>();
  const edit = async (file: string, splice: (text: string) => EvidenceSplice): Promise<EvidenceSplice> => {
    const text = texts.get(file) ?? (await readText(source, file));
    if (text === undefined) throw new Error(`${file}: the file is gone`);
    try {
      const result = splice(text);
      texts.set(file, result.text);
      return result;
    } catch (err) {
      if (err instanceof EvidenceEditError) throw new Error(`${file}: cannot record evidence: the file ${err.message}`);
      throw err;
    }
  };
  const changes: EvidenceChange[] = [];
  for (const { record, item } of targets) {
    const splice = await edit(record.file, (text) => spliceEvidence(text, item, isProbeEvidenceFor(item.requirement, item.source.probe)));
    changes.push({ file: record.file, recordId: record.id, ...(item.requirement ? { requirement: item.requirement } : {}), action: splice.action, item, hunks: splice.hunks });
  }
  const fields = options.fields ?? [];
  const fieldChanges: EvidenceFieldEdit[] = [];
  for (const target of fields) {
    const splice = await edit(target.record.file, (text) => spliceField(text, target.field, target.value));
    fieldChanges.push({ ...target, file: target.record.file, recordId: target.record.id, action: splice.action, hunks: splice.hunks });
  }
  const after = texts.size > 0 ? await verify(source, before, targets, fields, texts, options.cache) : before;
  return { targets, changes, fieldChanges, texts, after };
}

async function verify(
  source: InventorySource,
  before: OpenedInventory,
  targets: readonly EvidenceTarget[],
  fields: readonly FieldTarget[],
  texts: Map<string, string>,
  cache: ParseCache | undefined,
): Promise<OpenedInventory> {
  const after = await openInventory(overlaySource(source, texts), { now: before.graph.now, ...(cache ? { cache } : {}) });
  // The probe only runs on a valid inventory, so any error now is the edit's.
  const errors = after.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const list = errors.map((d) => `  ${d.file}:${d.line}:${d.col} ${d.code}: ${d.message}`).join('\n');
    throw new Error(`the edited records do not validate, so nothing was written:\n${list}`);
  }
  const expected = new Map<string, Record<string, unknown>>();
  for (const { record, item } of targets) {
    const data = (expected.get(record.id) ?? record.data) as { evidence?: Evidence[] };
    expected.set(record.id, { ...data, evidence: refreshed(data.evidence ?? [], item, isProbeEvidenceFor(item.requirement, item.source.probe)) });
  }
  for (const { record, field, value } of fields) expected.set(record.id, { ...(expected.get(record.id) ?? record.data), [field]: value });
  for (const [id, data] of expected) {
    const now = after.graph.get(id);
    if (!now || !isDeepStrictEqual(now.data, data)) {
      throw new Error(`${now?.file ?? id}: the edited record does not read back as the old one plus the new evidence, so nothing was written`);
    }
  }
  return after;
}

/**
 * Writes the plan's evidence under the inventory's write lock: planned again
 * on the files as they are now (another run may have written since this one
 * read them, and its items must survive), verified, then each file written
 * atomically. Returns the plan as written. `retarget` derives the items
 * again from the records as they are now, for items that take a value from
 * the item they replace (the probe's inherited max age): taken from the
 * first read, another run's edit of that value would be lost.
 */
export async function writeEvidence(
  root: string,
  plan: EvidencePlan,
  options: { cache?: ParseCache; retarget?: (graph: InventoryGraph) => readonly EvidenceTarget[] } = {},
): Promise<EvidencePlan> {
  if (plan.texts.size === 0) return plan;
  const { retarget, ...open } = options;
  return withInventoryLock(root, async () => {
    const source = directorySource(root);
    const current = await openInventory(source, { now: plan.after.graph.now, ...open });
    const again = <R extends AnyRecord>(record: R): R => {
      const now = current.graph.get(record.id);
      if (now?.kind !== record.kind) throw new Error(`${record.file}: the ${record.kind} ${record.id} is gone since it was read, so nothing was written`);
      return now as R;
    };
    const kept = plan.targets.map(({ record, item }) => ({ record: again(record), item }));
    const targets = retarget ? retarget(current.graph) : kept;
    const fields = plan.fieldChanges.map(({ record, field, value }) => ({ record: again(record), field, value }));
    const fresh = await planEvidence(source, current, targets, { ...open, fields });
    for (const [file, text] of fresh.texts) await writeFileAtomic(path.join(root, file), text);
    return fresh;
  });
}
