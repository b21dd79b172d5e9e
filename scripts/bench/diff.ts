import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { syntheticInventory, writeSyntheticInventory } from './synthetic.ts';
import { medianOf, NODE, REPO_ROOT, scratchDir, timeProcess, type BenchRow } from './harness.ts';

const SIZE = 10_000;
const RUNS = 3;

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
}

/** Two commits of a 10,000-record synthetic inventory that differ in 1% of the records; diff read from git blobs, no parse cache. */
export async function benchDiff(): Promise<BenchRow[]> {
  const dir = scratchDir('diff');
  try {
    await writeSyntheticInventory(dir, SIZE, REPO_ROOT);
    writeFileSync(path.join(dir, '.gitignore'), '.cache/\n');
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'base');
    const files = syntheticInventory(SIZE).filter((f) => f.file.endsWith('.yaml'));
    const step = Math.floor(files.length / (SIZE / 100));
    let changed = 0;
    for (let i = 0; i < files.length && changed < SIZE / 100; i += step, changed++) {
      const file = path.join(dir, files[i]!.file);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^description: .*$/m, `description: Changed in the benchmark (${i}).`));
    }
    git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-am', 'head');
    const args = [path.join(REPO_ROOT, 'scripts/diff.ts'), '--base', 'main~1', '--head', 'main', '--format', 'json', '--root', dir, '--now', '2026-06-10T00:00:00Z'];
    const run = medianOf(RUNS, () => timeProcess(NODE, args), () => rmSync(path.join(dir, '.cache'), { recursive: true, force: true }));
    const summary = (JSON.parse(run.stdout) as { summary: { changed: number } }).summary;
    if (summary.changed !== changed) throw new Error(`the diff found ${summary.changed} changed records, expected ${changed}`);
    return [
      { section: 'diff', name: `${SIZE} records, ${changed} changed, two git refs (cold)`, value: Math.round(run.ms), unit: 'ms', target: '≤ 3000 ms', ok: run.ms <= 3000 },
      ...(run.maxRssMb !== undefined ? [{ section: 'diff', name: `${SIZE} records, peak memory`, value: Math.round(run.maxRssMb), unit: 'MB' }] : []),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
