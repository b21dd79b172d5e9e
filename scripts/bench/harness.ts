import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** One measured figure; `target` and `ok` when the issue sets a target for it. */
export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

export interface TimedRun {
  ms: number;
  /** Peak resident memory of the child in MB, when /usr/bin/time is there to tell. */
  maxRssMb?: number;
  stdout: string;
}

const TIME = '/usr/bin/time';

/** Runs a whole process (as a user would) and times it. */
export function timeProcess(command: string, args: string[], cwd = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): TimedRun {
  const withTime = existsSync(TIME);
  const start = performance.now();
  const result = withTime
    ? spawnSync(TIME, ['-f', '__MAXRSS_KB=%M', command, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr.slice(-2000)}`);
  }
  const rss = /__MAXRSS_KB=(\d+)/.exec(result.stderr ?? '');
  return { ms, stdout: result.stdout, ...(rss ? { maxRssMb: Number(rss[1]) / 1024 } : {}) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of `runs` timed runs, with `before` run ahead of each (e.g. clearing a cache). */
export function medianOf(runs: number, once: () => TimedRun, before?: () => void): TimedRun & { all: number[] } {
  const results: TimedRun[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    results.push(once());
  }
  const all = results.map((r) => r.ms);
  const mid = median(all);
  const rss = results.map((r) => r.maxRssMb).filter((v): v is number => v !== undefined);
  return { ms: mid, all, stdout: results[0]!.stdout, ...(rss.length ? { maxRssMb: Math.max(...rss) } : {}) };
}

/**
 * Runs each task once per round, round after round, and keeps each task's
 * median: on a shared machine a load that comes and goes weighs on every
 * task alike, so ratios between them hold up where single figures do not.
 */
export function interleaved<K extends string>(
  rounds: number,
  tasks: Record<K, { run: () => TimedRun; before?: () => void }>,
): Record<K, TimedRun & { all: number[] }> {
  const runs = Object.fromEntries(Object.keys(tasks).map((k) => [k, [] as TimedRun[]])) as Record<K, TimedRun[]>;
  for (let i = 0; i < rounds; i++) {
    for (const [k, task] of Object.entries(tasks) as Array<[K, { run: () => TimedRun; before?: () => void }]>) {
      task.before?.();
      runs[k].push(task.run());
    }
  }
  return Object.fromEntries(
    (Object.entries(runs) as Array<[K, TimedRun[]]>).map(([k, results]) => {
      const all = results.map((r) => r.ms);
      const rss = results.map((r) => r.maxRssMb).filter((v): v is number => v !== undefined);
      return [k, { ms: median(all), all, stdout: results[0]!.stdout, ...(rss.length ? { maxRssMb: Math.max(...rss) } : {}) }];
    }),
  ) as Record<K, TimedRun & { all: number[] }>;
}

/** A figure beside its floor from the same rounds: its ratio to the floor, against at most `max` times it. */
export function againstFloor(section: string, name: string, figure: TimedRun, floor: TimedRun, floorName: string, max: number): BenchRow {
  const ratio = figure.ms / floor.ms;
  return { section, name, value: Math.round(figure.ms), unit: 'ms', target: `≤ ${max}× ${floorName} (${ratio.toFixed(2)}×)`, ok: ratio <= max };
}

export function scratchDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `ops-hub-bench-${label}-`));
}

/** The pinned Node that `npm run` uses. */
export const NODE = process.execPath;

const commandFiles = new Map<string, string>();

/**
 * The file `npm run <command>` starts: a short-lived command's bundle, made
 * first if missing (scripts/bundle-commands.sh), else the script. The bench
 * and the tests start commands as users do; the sources do not change under
 * a run, so the answer is kept.
 */
export function commandFile(command: string): string {
  let file = commandFiles.get(command);
  if (file === undefined) {
    file = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/bundle-commands.sh'), command], { encoding: 'utf8' }).trim();
    commandFiles.set(command, file);
  }
  return file;
}
