import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { blobId } from '../util/blob-id.ts';
import { codeVersion } from '../util/code-version.ts';
import { asciiJson } from '../util/json.ts';
import { directorySource, entryType, pathsUnder, type InventorySource, type SourceEntry } from './source.ts';

/**
 * What one run listed and read of a working tree, like git's index: every
 * folder listing, and every file read with its inode, size, modification and
 * change times and content key. The next run knows a file it finds with the
 * same stamp without reading it (the loader takes its parse and validation
 * from the cache), and a run that finds every listing and stamp as they were
 * may answer with the result the last run stored — without parsing anything.
 * It lives in the inventory's git-ignored `.cache/`, beside the record cache.
 */
export interface TreeIndex {
  version: string;
  /** When the run started (ms): a file stamped later than this, less the clock slack, is racy. */
  time: number;
  /** The names at the root the loader looks at; other entries there (build output, .git) are not the inventory's. */
  rootNames: string[];
  /** Each folder listed, as `type name` lines sorted. */
  dirs: Record<string, string>;
  /** Each file read: its stamp, or null when it was absent. */
  files: Record<string, Stamp | null>;
  /** What the run computed, for runs asking with the same key. */
  result?: { key: string; value: unknown };
}

/** inode, size, mtime, ctime, content key ('' for a file not taken as text: a link, too large, not UTF-8). */
type Stamp = [ino: number, size: number, mtimeMs: number, ctimeMs: number, key: string];

const VERSION = 'tree-index-v1';

/**
 * File times come from a coarse kernel clock, and some file systems keep them
 * to the second or two: a file stamped this close to the run's start may have
 * changed again within the same stamp, so its content is compared instead.
 */
export const RACY_MS = 2_000;

/** What a run that opened the working tree keeps for the next one (validate prints it; diff and the other commands take its diagnostics for the checks'). */
export interface Validation {
  diagnostics: Diagnostic[];
  records: number;
  dotfiles: string[];
}

/** The key a validation is stored under: the same code judging at the same moment (evidence ages against it). */
export function validationKey(now: number): string {
  return JSON.stringify({ code: codeVersion(), now });
}

const indexFile = (root: string) => path.join(root, '.cache', `${VERSION}.json`);

/** The index the last run left at `root`; undefined when there is none or it is unreadable. */
export async function readTreeIndex(root: string): Promise<TreeIndex | undefined> {
  try {
    const index = JSON.parse(await readFile(indexFile(root), 'utf8')) as TreeIndex;
    return index.version === VERSION ? index : undefined;
  } catch {
    return undefined;
  }
}

/** What the last run at a working tree left: its index, and its verdict when nothing it read has changed since. */
export interface PreviousRun {
  index?: TreeIndex;
  /** The diagnostics the last run stored under the same key (`validationKey`): they hold while no file it read has changed. */
  verdict?: Validation;
  /**
   * Writes the index again with new stamps for the files found the same only
   * by their content (stamped within the racy window of the run that wrote
   * it, and out of it now): the next run trusts their stamps instead of
   * reading them. For runs that keep the index; undefined when there are none.
   */
  restamp?: () => Promise<void>;
}

/** The index at `root`, and the verdict stored under `key` (none without a key: without --now the clock has moved). */
export async function previousRun(root: string, key: string | undefined): Promise<PreviousRun> {
  const index = await readTreeIndex(root);
  if (key === undefined || index?.result?.key !== key) return index ? { index } : {};
  const time = Date.now();
  const renewed = sameTree(root, index, time);
  if (renewed === undefined) return { index };
  const verdict = index.result.value as Validation;
  if (renewed.size === 0) return { index, verdict };
  return { index, verdict, restamp: () => writeIndex(root, { ...index, time, files: { ...index.files, ...Object.fromEntries(renewed) } }) };
}

/** The stamps `sameTree` took, so a run that found a change does not stamp the same files again to load. */
const stampsTaken = new WeakMap<TreeIndex, Map<string, Stats | undefined>>();

/**
 * Undefined when anything the run that wrote `index` listed or read has
 * changed; else the new stamps of the files that had to be read to tell
 * (racy then) and that a run starting at `time` would trust.
 */
function sameTree(root: string, index: TreeIndex, time: number): Map<string, Stamp> | undefined {
  const taken = new Map<string, Stats | undefined>();
  stampsTaken.set(index, taken);
  const at = pathsUnder(root);
  for (const [dir, listing] of Object.entries(index.dirs)) {
    let entries: SourceEntry[];
    try {
      entries = readdirSync(path.join(root, dir), { withFileTypes: true }).map((e) => ({ name: e.name, type: entryType(e) }));
    } catch {
      return undefined;
    }
    if (listingKey(dir, entries, index.rootNames) !== listing) return undefined;
  }
  const renewed = new Map<string, Stamp>();
  for (const [file, stamp] of Object.entries(index.files)) {
    const stat = lstatSync(at(file), { throwIfNoEntry: false });
    taken.set(file, stat);
    if (stamp === null || stat === undefined) {
      if (stamp !== null || stat !== undefined) return undefined;
      continue;
    }
    if (!sameStamp(stamp, stat)) return undefined;
    if (racy(stamp, index.time)) {
      if (stamp[4] === '' || blobId(readFileSync(at(file), 'utf8')) !== stamp[4]) return undefined;
      // Stamped before the read that found the same content: a later write leaves a newer stamp.
      if (!racy(stamp, time)) renewed.set(file, stampOf(stat, stamp[4]));
    }
  }
  // Nothing changed: the caller takes the keys as recorded (indexedSource's `unchanged`), so the stamps go.
  stampsTaken.delete(index);
  return renewed;
}

/** An index that cannot be written (read-only checkout) only costs speed. */
async function writeIndex(root: string, index: TreeIndex): Promise<void> {
  await writeFileAtomic(indexFile(root), asciiJson(index), undefined, { durable: false }).catch(() => {});
}

/**
 * A source over the working tree at `root` that records what a run lists and
 * reads, and knows (`keyOf`) the files unchanged since `previous`. `save`
 * writes the new index, with the run's result when given. `unchanged` says
 * the caller found the whole tree as `previous` recorded it (`previousRun`),
 * so each file's key is taken without stamping it again.
 */
export function indexedSource(
  root: string,
  previous: TreeIndex | undefined,
  rootNames: readonly string[],
  unchanged = false,
): { source: InventorySource; save: (result?: { key: string; value: unknown }) => Promise<void> } {
  const base = directorySource(root);
  const at = pathsUnder(root);
  const taken = previous && stampsTaken.get(previous);
  const time = Date.now();
  // Listings are keyed when saved: a run that saves nothing (diff) does not sort them.
  const listed = new Map<string, SourceEntry[]>();
  const files: Record<string, Stamp | null> = {};
  const source: InventorySource = {
    label: base.label,
    async entries(dir) {
      const entries = await base.entries(dir);
      listed.set(dir, entries);
      return entries;
    },
    async read(file, limit) {
      // Stamped before reading: a write in between leaves a newer stamp, which the next run does not trust.
      const stat = lstatSync(at(file), { throwIfNoEntry: false });
      const read = await base.read(file, limit);
      files[file] = stat === undefined ? null : stampOf(stat, read?.ok ? blobId(read.text) : '');
      return read;
    },
    keyOf(file) {
      const old = previous?.files[file];
      if (!old || old[4] === '') return undefined;
      if (unchanged) return old[4];
      if (racy(old, previous!.time)) return undefined;
      const stat = taken?.has(file) ? taken.get(file) : lstatSync(at(file), { throwIfNoEntry: false });
      if (stat === undefined || !sameStamp(old, stat)) return undefined;
      files[file] = old;
      return old[4];
    },
    readNow: (file) => base.readNow!(file),
  };
  return {
    source,
    async save(result) {
      const dirs = Object.fromEntries([...listed].map(([dir, entries]) => [dir, listingKey(dir, entries, rootNames)]));
      await writeIndex(root, { version: VERSION, time, rootNames: [...rootNames], dirs, files, ...(result ? { result } : {}) });
    },
  };
}

function listingKey(dir: string, entries: readonly SourceEntry[], rootNames: readonly string[]): string {
  const kept = dir === '' ? entries.filter((e) => rootNames.includes(e.name)) : entries;
  return kept.map((e) => `${e.type} ${e.name}`).sort().join('\n');
}

function stampOf(stat: Stats, key: string): Stamp {
  return [stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs, key];
}

function sameStamp(stamp: Stamp, stat: Stats): boolean {
  return stamp[0] === stat.ino && stamp[1] === stat.size && stamp[2] === stat.mtimeMs && stamp[3] === stat.ctimeMs;
}

function racy(stamp: Stamp, time: number): boolean {
  return Math.max(stamp[2], stamp[3]) >= time - RACY_MS;
}
