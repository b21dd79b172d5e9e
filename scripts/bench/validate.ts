import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TOP_FOLDERS } from '../../src/load/list-records.ts';
import { RACY_MS } from '../../src/load/tree-index.ts';
import { syntheticInventory, writeSyntheticInventory } from './synthetic.ts';
import { againstFloor, type BenchRow, commandFile, interleaved, NODE, REPO_ROOT, scratchDir, timeProcess } from './harness.ts';

const ROUNDS = 5;
const NOW = '2026-06-10T00:00:00Z';
const MAX_RSS_MB = 300;

/**
 * Whole `validate` processes over synthetic inventories, each beside its
 * floor measured in the same rounds (issue 17): cold (`--no-cache`) against
 * reading and parsing the same files with js-yaml; nothing changed since the
 * last run, and one file changed, against reading the same files.
 */
export async function benchValidate(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of [1_000, 10_000]) {
    const dir = scratchDir(`validate-${size}`);
    await writeSyntheticInventory(dir, size, REPO_ROOT);
    const written = Date.now();
    const validate = (...extra: string[]) => () => timeProcess(NODE, [commandFile('validate'), '--root', dir, '--now', NOW, ...extra]);
    const floor = (...extra: string[]) => () => timeProcess(NODE, [path.join(REPO_ROOT, 'scripts/bench/read-floor.ts'), dir, ...extra, ...TOP_FOLDERS]);
    // Checkouts are older than the racy window of the tree index (a file written
    // within it is compared by content on every run): so are these files.
    await sleep(Math.max(0, written + RACY_MS + 100 - Date.now()));
    const primed = validate()();
    // One record changes before each run of that row, alternating between two contents.
    const edited = path.join(dir, syntheticInventory(size).find((f) => f.file.startsWith('inventory/services/'))!.file);
    const original = readFileSync(edited, 'utf8');
    let edits = 0;
    const r = interleaved(ROUNDS, {
      read: { run: floor() },
      parse: { run: floor('--parse') },
      cold: { run: validate('--no-cache') },
      unchanged: { run: validate() },
      oneChanged: { run: validate(), before: () => writeFileSync(edited, original.replace(/^description: .*$/m, `description: Edited in the benchmark (${edits++ % 2}).`)) },
    });
    rmSync(dir, { recursive: true, force: true });
    const clean = `0 errors, 0 warnings, 0 notices in ${size} records`;
    for (const [name, run] of Object.entries({ primed, ...r })) {
      if (!['read', 'parse'].includes(name) && !run.stdout.includes(clean)) throw new Error(`validate (${name}) of ${size} synthetic records did not validate clean:\n${run.stdout.slice(-1000)}`);
    }
    if (r.unchanged.stdout !== r.cold.stdout) throw new Error(`validate answered differently with nothing changed than cold:\n${r.unchanged.stdout}\n---\n${r.cold.stdout}`);
    const withTarget = size === 10_000;
    const row = (name: string, figure: typeof r.cold, floorRun: typeof r.cold, floorName: string, max: number): BenchRow =>
      withTarget ? againstFloor('validate', name, figure, floorRun, floorName, max) : { section: 'validate', name, value: Math.round(figure.ms), unit: 'ms' };
    rows.push(
      { section: 'validate', name: `${size} records: floor, read + parse the same files with js-yaml`, value: Math.round(r.parse.ms), unit: 'ms' },
      row(`${size} records, cold (--no-cache)`, r.cold, r.parse, 'read + js-yaml', 4),
      { section: 'validate', name: `${size} records: floor, read the same files`, value: Math.round(r.read.ms), unit: 'ms' },
      row(`${size} records, nothing changed`, r.unchanged, r.read, 'read', 3),
      row(`${size} records, one file changed`, r.oneChanged, r.read, 'read', 4),
    );
    const peak = Math.max(...[r.cold, r.unchanged, r.oneChanged].map((run) => run.maxRssMb ?? 0));
    if (peak > 0) {
      rows.push({ section: 'validate', name: `${size} records, peak memory`, value: Math.round(peak), unit: 'MB', ...(withTarget ? { target: `≤ ${MAX_RSS_MB} MB`, ok: peak <= MAX_RSS_MB } : {}) });
    }
  }
  return rows;
}
