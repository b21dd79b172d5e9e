import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readBlobs } from '../git/blobs.ts';
import { readTreeChanges, type TreeChangeCommit } from '../git/history.ts';
import type { EffectiveStatus } from '../graph/gate-status.ts';
import { InventoryGraph } from '../graph/graph.ts';
import { decodeText, entryProblem, entryTypeOfGitMode, MAX_RECORD_BYTES, refused, type EntryType } from '../load/file-rules.ts';
import { loadInventory } from '../load/loader.ts';
import { modelInventory } from '../load/model-inventory.ts';
import { fileParseCache } from '../load/parse-cache.ts';
import type { InventorySource, SourceEntry } from '../load/source.ts';
import { layoutOf, OWNERS_FILE } from '../model/kinds.ts';
import { MANIFEST_FILE } from '../model/vocabulary.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

/**
 * Readiness over time: the gates of each wave passed / failed / stale /
 * pending at the end of each day on which gates or their evidence changed,
 * evaluated by the loader and graph at that day's commit and time. One
 * `git log --raw` pass lists the commits and the blobs they left, one
 * `git cat-file --batch` reads the blobs, and each evaluated day is cached by
 * commit in `.cache/`, so a later build evaluates only new days.
 */

export type GateCounts = Record<EffectiveStatus, number>;

export interface ReadinessStep {
  /** The UTC day, e.g. `2026-06-14`. */
  day: string;
  /** The moment the state is evaluated at: the end of the day, or `now` for the current day. */
  at: number;
  /** The day's last commit; absent for the current day of a checkout without history. */
  commit?: { sha: string; subject: string };
  /** Gate counts per wave id; a wave absent on that day has no entry. */
  waves: Record<string, GateCounts>;
}

/**
 * What a gate's effective status depends on: the gates, the endpoints whose
 * evidence they count, the stores and backup sets whose backup evidence they
 * count (services: a store is a persistent service), the waves they join, and
 * the vocabulary that validates them. Nothing else is read, so a day costs a
 * fraction of a load.
 */
export const HISTORY_PATHS = [
  layoutOf('readiness-gate').dir,
  layoutOf('endpoint').dir,
  layoutOf('service').dir,
  layoutOf('backup-set').dir,
  layoutOf('migration-wave').dir,
  MANIFEST_FILE,
  OWNERS_FILE,
];

/**
 * The latest days evaluated. A day not in the cache costs a load and model
 * of its gates, endpoints and waves (about 0.1 s at 10,000 records), and
 * each day is a linked column on the wave page, which stays under 30 KB:
 * 30 days bound both, and cover a month of daily changes.
 */
export const MAX_STEPS = 30;

/** Bump when what a cached day holds, or how it is derived, changes. */
const CACHE_FILE = path.join('.cache', 'readiness-history-v1.json');

const DAY_MS = 86_400_000;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function waveCounts(graph: InventoryGraph): Record<string, GateCounts> {
  return Object.fromEntries(graph.waveReadiness().map((w) => [w.wave.id, { ...w.counts }]));
}

const built = new WeakMap<InventoryGraph, Promise<ReadinessStep[]>>();

/**
 * Each wave's gate counts per day up to `current.now`; without history, the
 * current day alone, from `current`. Computed once per graph: every wave page
 * shares it.
 */
export function readinessHistory(root: string, current: InventoryGraph): Promise<ReadinessStep[]> {
  let steps = built.get(current);
  if (!steps) built.set(current, (steps = evaluate(root, current)));
  return steps;
}

async function evaluate(root: string, current: InventoryGraph): Promise<ReadinessStep[]> {
  const now = current.now;
  // A build dated in the past (--now) shows the history up to that moment.
  const commits = (await readTreeChanges(root, HISTORY_PATHS)).filter((c) => Date.parse(c.committedAt) <= now);
  if (commits.length === 0) return [{ day: dayOf(now), at: now, waves: waveCounts(current) }];

  const lastOfDay = new Map<string, number>();
  commits.forEach((c, i) => lastOfDay.set(dayOf(Date.parse(c.committedAt)), i));
  const days = [...lastOfDay].slice(-MAX_STEPS);
  const trees = treesAt(commits, new Set(days.map(([, i]) => i)));

  const cacheFile = path.join(root, CACHE_FILE);
  const cached = await readCache(cacheFile);
  const steps = days.map(([day, i]): ReadinessStep & { key: string; tree: Map<string, TreeEntry> } => {
    const at = Math.min(Date.parse(`${day}T00:00:00Z`) + DAY_MS - 1, now);
    const { sha, subject } = commits[i]!;
    return { day, at, commit: { sha, subject }, waves: {}, key: `${sha}@${at}`, tree: trees.get(i)! };
  });
  const todo = steps.filter((s) => !cached[s.key]);
  // Links and submodules are never read: their blob is a target path or absent, and the loader reports them.
  const blobs = await readBlobs(root, [...new Set(todo.flatMap((s) => [...s.tree.values()].filter((e) => e.type === 'file').map((e) => e.blob)))]);
  // Files a day shares with the working tree are parsed already (the site's content-hash cache), and a file
  // unchanged between days is parsed once; the site's own run saves that cache, this one only reads it.
  const parseCache = { ...(await fileParseCache(root)), save: async () => {} };
  for (const step of steps) {
    const hit = cached[step.key];
    if (hit) {
      step.waves = hit;
      continue;
    }
    const loaded = await loadInventory(treeSource(`git:${step.commit!.sha.slice(0, 8)}`, step.tree, blobs), { cache: parseCache });
    step.waves = waveCounts(new InventoryGraph(modelInventory(loaded), step.at));
  }
  await writeCache(cacheFile, Object.fromEntries(steps.map((s) => [s.key, s.waves])));
  return steps.map(({ key: _key, tree: _tree, ...step }) => step);
}

interface TreeEntry {
  blob: string;
  type: EntryType;
}

/** The path → blob map after each wanted commit, replaying the changes from the first commit on. */
function treesAt(commits: readonly TreeChangeCommit[], wanted: ReadonlySet<number>): Map<number, Map<string, TreeEntry>> {
  const tree = new Map<string, TreeEntry>();
  const out = new Map<number, Map<string, TreeEntry>>();
  commits.forEach((commit, i) => {
    for (const change of commit.changes) {
      if (change.blob === null) tree.delete(change.path);
      else tree.set(change.path, { blob: change.blob, type: entryTypeOfGitMode(change.mode) });
    }
    if (wanted.has(i)) out.set(i, new Map(tree));
  });
  return out;
}

/** A commit's files as the loader reads any source, under the same file rules. */
function treeSource(label: string, tree: ReadonlyMap<string, TreeEntry>, blobs: ReadonlyMap<string, Buffer>): InventorySource {
  const children = new Map<string, Map<string, SourceEntry>>();
  for (const [file, entry] of tree) {
    const parts = file.split('/');
    parts.forEach((name, i) => {
      const dir = parts.slice(0, i).join('/');
      const list = children.get(dir) ?? children.set(dir, new Map()).get(dir)!;
      list.set(name, { name, type: i === parts.length - 1 ? entry.type : 'directory' });
    });
  }
  return {
    label,
    async entries(dir) {
      return [...(children.get(dir)?.values() ?? [])];
    },
    async read(file, limit = MAX_RECORD_BYTES) {
      const entry = tree.get(file);
      if (entry === undefined) return undefined;
      const problem = entryProblem(entry.type);
      if (problem) return refused(problem);
      const bytes = blobs.get(entry.blob);
      if (bytes === undefined) return undefined;
      if (bytes.length > limit) return refused({ code: 'file-too-large', size: bytes.length, limit });
      return decodeText(bytes);
    },
  };
}

async function readCache(file: string): Promise<Record<string, Record<string, GateCounts>>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, GateCounts>>;
  } catch {
    return {};
  }
}

/** Only the days shown are kept. A cache that cannot be written (read-only checkout) only costs speed. */
async function writeCache(file: string, days: Record<string, Record<string, GateCounts>>): Promise<void> {
  try {
    await writeFileAtomic(file, JSON.stringify(days));
  } catch {
    return;
  }
}
