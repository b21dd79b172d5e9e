import { rmSync } from 'node:fs';
import path from 'node:path';
import { writeSyntheticInventory } from './synthetic.ts';
import { medianOf, NODE, REPO_ROOT, scratchDir, timeProcess, type BenchRow } from './harness.ts';

const RUNS = 5;

/** Whole `validate` processes over synthetic inventories, cold (no parse cache) and warm. */
export async function benchValidate(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of [1_000, 10_000]) {
    const dir = scratchDir(`validate-${size}`);
    await writeSyntheticInventory(dir, size, REPO_ROOT);
    const args = [path.join(REPO_ROOT, 'scripts/validate.ts'), '--root', dir, '--now', '2026-06-10T00:00:00Z'];
    const clear = () => rmSync(path.join(dir, '.cache'), { recursive: true, force: true });
    const cold = medianOf(RUNS, () => timeProcess(NODE, args), clear);
    const warm = medianOf(RUNS, () => timeProcess(NODE, args));
    if (!cold.stdout.includes(`0 errors, 0 warnings, 0 notices in ${size} records`)) {
      throw new Error(`synthetic inventory of ${size} did not validate clean:\n${cold.stdout.slice(-1000)}`);
    }
    const target = size === 10_000 ? { target: '≤ 1500 ms', ok: cold.ms <= 1500 } : {};
    rows.push(
      { section: 'validate', name: `${size} records, cold`, value: Math.round(cold.ms), unit: 'ms', ...target },
      {
        section: 'validate',
        name: `${size} records, warm (unchanged files)`,
        value: Math.round(warm.ms),
        unit: 'ms',
        ...(size === 10_000 ? { target: '< cold', ok: warm.ms < cold.ms } : {}),
      },
    );
    if (cold.maxRssMb !== undefined) rows.push({ section: 'validate', name: `${size} records, peak memory`, value: Math.round(cold.maxRssMb), unit: 'MB' });
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
