import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { FileFormat } from '../model/kinds.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { codeVersion } from '../util/code-version.ts';
import { asciiJson } from '../util/json.ts';
import type { ParsedFile } from './parse-file.ts';

/** Bump when the shape of the stored entries changes. */
const CACHE_VERSION = 'records-v3';

/** A record file's schema validation: its data as the model returns it, or the diagnostics (without file and record id, which the path gives). */
export type ModelledFile =
  | { ok: true; data: unknown }
  | { ok: false; diagnostics: Array<Omit<Diagnostic, 'file' | 'recordId'>> };

/**
 * What the loader keeps between runs, by file content: each file's parse
 * and, for one vocabulary (owners and manifest), each record's validation.
 * An unchanged file costs a hash and a lookup instead of a parse and a schema
 * check.
 */
export interface ParseCache {
  get(key: string): ParsedFile | undefined;
  set(key: string, parsed: ParsedFile): void;
  /** A record's validation against the vocabulary `vocabulary` (a fingerprint), by kind and content key. */
  getModelled?(vocabulary: string, key: string): ModelledFile | undefined;
  /** Returns the validation as a later run gets it: a record equal to its parse shares the parse's data. */
  setModelled?(vocabulary: string, key: string, modelled: ModelledFile): ModelledFile;
  save(): Promise<void>;
}

/** A file's parse is keyed by its format and content (its git blob id, util/blob-id.ts); a record's validation by its kind and that key. */
export function parseKey(format: FileFormat, blob: string): string {
  return `${format === 'yaml' ? 'y' : 'm'}${blob}`;
}

interface Stored {
  version: string;
  /** The code that computed the entries (util/code-version.ts). */
  code: string;
  parsed: Record<string, ParsedFile>;
  /** The vocabulary `modelled` was validated against. */
  vocabulary?: string;
  modelled: Record<string, StoredModel>;
}

/** Changed entries (besides 2% of all) below which the file is not rewritten. */
const REWRITE_AFTER = 32;

/**
 * A valid record whose modelled data equals its parse (the usual case: fields
 * in the model's order) stores no second copy, only `1`: one number per
 * record instead of an object keeps the file small and quick to read.
 */
type StoredModel = ModelledFile | 1;

/**
 * The cache in one JSON file in the inventory's own (git-ignored) `.cache/`.
 * Entries not used by a run are dropped, so it tracks the current inventory;
 * entries written by other code (another commit, another Node) are never read.
 * `readOnly` never writes the file (diff: on a fresh CI clone, writing it
 * would cost more than it saves), so it keeps no account of what was used;
 * what the run adds still serves the rest of the run.
 */
export async function fileParseCache(root: string, { readOnly = false } = {}): Promise<ParseCache> {
  const file = path.join(root, '.cache', `${CACHE_VERSION}.json`);
  const code = codeVersion();
  let stored: Stored = { version: CACHE_VERSION, code, parsed: {}, modelled: {} };
  try {
    const read = JSON.parse(await readFile(file, 'utf8')) as Stored;
    if (read.version === CACHE_VERSION && read.code === code) stored = read;
  } catch {
    // No cache yet, or an unreadable one: start empty.
  }
  const used: Stored = { version: CACHE_VERSION, code, parsed: {}, modelled: {} };
  let added = 0;
  // One vocabulary's validations are kept: a diff whose sides differ in vocabulary keeps the last side's.
  const useVocabulary = (vocabulary: string) => {
    if (used.vocabulary !== vocabulary) used.modelled = {};
    used.vocabulary = vocabulary;
  };
  /** The parse of a validation's file: one this run got, which a read-only cache does not note. */
  const parseOf = (modelledKey: string) => {
    const key = modelledKey.slice(modelledKey.indexOf(':') + 1);
    return readOnly ? (stored.parsed[key] ?? used.parsed[key]) : used.parsed[key];
  };
  return {
    get(key) {
      // Results set earlier in this process count too (diff opens two inventories with one cache).
      const hit = stored.parsed[key] ?? used.parsed[key];
      if (hit && !readOnly) used.parsed[key] = hit;
      return hit;
    },
    set(key, parsed) {
      // What JSON cannot hold (NaN, infinities, -0; a !!set or !!omap the full parser reads as a Set or Map)
      // would come back changed: such a file is parsed again next time. The fast path reads none of it.
      if (parsed.positions !== undefined && !jsonSafe(parsed.data)) return;
      used.parsed[key] = parsed;
      added++;
    },
    getModelled(vocabulary, key) {
      const hit = (stored.vocabulary === vocabulary ? stored.modelled[key] : undefined) ?? (used.vocabulary === vocabulary ? used.modelled[key] : undefined);
      if (!hit) return undefined;
      const parsed = parseOf(key);
      if (hit === 1 && !parsed) return undefined;
      if (!readOnly) {
        useVocabulary(vocabulary);
        used.modelled[key] = hit;
      }
      // Records are read-only, so a record and its file may share the data.
      return hit === 1 ? { ok: true, data: parsed!.data } : hit;
    },
    setModelled(vocabulary, key, modelled) {
      useVocabulary(vocabulary);
      const parsed = parseOf(key);
      const same = modelled.ok && parsed !== undefined && JSON.stringify(parsed.data) === JSON.stringify(modelled.data);
      used.modelled[key] = same ? 1 : modelled;
      added++;
      return same ? { ok: true, data: parsed.data } : modelled;
    },
    async save() {
      if (readOnly) return;
      // Rewriting the whole file for a few changed records would cost more than
      // computing those again next time: it is rewritten when enough changed.
      // Counted once each: Object.keys of a 10,000-entry dictionary is not cheap.
      const count = (s: Stored) => Object.keys(s.parsed).length + Object.keys(s.modelled).length;
      const usedCount = count(used);
      const changed = added + Math.max(0, count(stored) - (usedCount - added));
      if (changed <= REWRITE_AFTER + usedCount / 50) return;
      // A cache that cannot be written (read-only checkout) only costs speed.
      try {
        await writeFileAtomic(file, asciiJson(used), undefined, { durable: false });
      } catch {
        return;
      }
    },
  };
}

/** Whether JSON gives the value back as it is. */
function jsonSafe(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonSafe);
  if (value === null || typeof value !== 'object') return typeof value !== 'undefined';
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every(jsonSafe);
}
