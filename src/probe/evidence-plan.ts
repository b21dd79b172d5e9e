import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { openInventory, type OpenedInventory } from '../inventory.ts';
import type { ParseCache } from '../load/parse-many.ts';
import { overlaySource, type InventorySource } from '../load/source.ts';
import type { Evidence } from '../model/evidence.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { isProbeEvidenceFor, refreshed } from './refresh.ts';
import { EvidenceEditError, spliceEvidence } from './write-evidence.ts';
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

export interface EvidencePlan {
  changes: EvidenceChange[];
  /** The new text of every edited file, by inventory-relative path. */
  texts: Map<string, string>;
  /** The inventory as it reads with the edits: what gates become. */
  after: OpenedInventory;
}

/**
 * Computes the edited files and proves them before anything is written: the
 * edited inventory is opened through the loader like any other, must have no
 * errors, and each edited record must read back as exactly the old record
 * with its evidence refreshed. Throws, naming the file, when not.
 */
export async function planEvidence(
  source: InventorySource,
  before: OpenedInventory,
  targets: readonly EvidenceTarget[],
  options: { cache?: ParseCache } = {},
): Promise<EvidencePlan> {
  const texts = new Map<string, string>();
  const changes: EvidenceChange[] = [];
  for (const { record, item } of targets) {
    const text = texts.get(record.file) ?? (await source.read(record.file));
    if (text === undefined) throw new Error(`${record.file}: the file is gone`);
    let splice;
    try {
      splice = spliceEvidence(text, item, isProbeEvidenceFor(item.requirement));
    } catch (err) {
      if (err instanceof EvidenceEditError) throw new Error(`${record.file}: cannot record evidence: the file ${err.message}`);
      throw err;
    }
    texts.set(record.file, splice.text);
    changes.push({ file: record.file, recordId: record.id, ...(item.requirement ? { requirement: item.requirement } : {}), action: splice.action, item, hunks: splice.hunks });
  }
  const after = changes.length > 0 ? await verify(source, before, targets, texts, options.cache) : before;
  return { changes, texts, after };
}

async function verify(
  source: InventorySource,
  before: OpenedInventory,
  targets: readonly EvidenceTarget[],
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
    expected.set(record.id, { ...data, evidence: refreshed(data.evidence ?? [], item, isProbeEvidenceFor(item.requirement)) });
  }
  for (const [id, data] of expected) {
    const now = after.graph.get(id);
    if (!now || !isDeepStrictEqual(now.data, data)) {
      throw new Error(`${now?.file ?? id}: the edited record does not read back as the old one plus the new evidence, so nothing was written`);
    }
  }
  return after;
}

/** Writes each edited file atomically; only called with a verified plan. */
export async function writeEvidence(root: string, plan: EvidencePlan): Promise<void> {
  for (const [file, text] of plan.texts) await writeFileAtomic(path.join(root, file), text);
}
