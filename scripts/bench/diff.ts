import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RACY_MS } from '../../src/load/tree-index.ts';
import { syntheticInventory, writeSyntheticInventory } from './synthetic.ts';
import { againstFloor, type BenchRow, commandFile, interleaved, NODE, REPO_ROOT, scratchDir, timeProcess } from './harness.ts';

const SIZE = 10_000;
const ROUNDS = 3;
const NOW = '2026-06-10T00:00:00Z';
const MAX_MS = 2000;

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-C', dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], { stdio: 'ignore' });
}

/**
 * `diff` over two commits of a 10,000-record synthetic inventory that differ
 * in 1% of the records (issue 17): cold, both sides read from git blobs with
 * no cache (CI on a fresh clone); and with the working tree as the head,
 * right after `validate` of it at the same `--now`, beside `validate` with
 * nothing changed measured in the same rounds.
 */
export async function benchDiff(): Promise<BenchRow[]> {
  const dir = scratchDir('diff');
  try {
    await writeSyntheticInventory(dir, SIZE, REPO_ROOT);
    writeFileSync(path.join(dir, '.gitignore'), '.cache/\n');
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');
    const files = syntheticInventory(SIZE).filter((f) => f.file.endsWith('.yaml'));
    const step = Math.floor(files.length / (SIZE / 100));
    let changed = 0;
    for (let i = 0; i < files.length && changed < SIZE / 100; i += step, changed++) {
      const file = path.join(dir, files[i]!.file);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^description: .*$/m, `description: Changed in the benchmark (${i}).`));
    }
    git(dir, 'commit', '-q', '-am', 'head');
    const written = Date.now();
    const script = (name: string, ...args: string[]) => () => timeProcess(NODE, [commandFile(name), '--root', dir, '--now', NOW, ...args]);
    const clearCache = () => rmSync(path.join(dir, '.cache'), { recursive: true, force: true });
    // As in a checkout, the files are older than the tree index's racy window.
    await sleep(Math.max(0, written + RACY_MS + 100 - Date.now()));
    const r = interleaved(ROUNDS, {
      cold: { run: script('diff', '--base', 'main~1', '--head', 'main', '--format', 'json'), before: clearCache },
      afterValidate: {
        run: script('diff', '--base', 'main~1', '--format', 'json'),
        before: () => {
          clearCache();
          script('validate')();
        },
      },
      unchanged: { run: script('validate') },
    });
    for (const run of [r.cold, r.afterValidate]) {
      const summary = (JSON.parse(run.stdout) as { summary: { changed: number } }).summary;
      if (summary.changed !== changed) throw new Error(`the diff found ${summary.changed} changed records, expected ${changed}`);
    }
    // The same change, whichever way it was read: only the head's label differs (`main`, `working tree`).
    const facts = (stdout: string) => JSON.stringify({ ...(JSON.parse(stdout) as object), head: undefined });
    if (facts(r.afterValidate.stdout) !== facts(r.cold.stdout)) throw new Error('diff after validate answered differently than cold');
    const warm = againstFloor('diff', `${SIZE} records, ${changed} changed, after validate of the head`, r.afterValidate, r.unchanged, 'validate, nothing changed', 2.5);
    return [
      { section: 'diff', name: `${SIZE} records, ${changed} changed, two git refs, no cache`, value: Math.round(r.cold.ms), unit: 'ms', target: `≤ ${MAX_MS} ms`, ok: r.cold.ms <= MAX_MS },
      { section: 'diff', name: `${SIZE} records: validate, nothing changed (same rounds)`, value: Math.round(r.unchanged.ms), unit: 'ms' },
      { ...warm, target: `≤ ${MAX_MS} ms and ${warm.target}`, ok: warm.ok! && r.afterValidate.ms <= MAX_MS },
      ...(r.cold.maxRssMb !== undefined ? [{ section: 'diff', name: `${SIZE} records, peak memory`, value: Math.round(Math.max(r.cold.maxRssMb, r.afterValidate.maxRssMb ?? 0)), unit: 'MB' }] : []),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
