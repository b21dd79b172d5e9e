import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeSyntheticInventory } from './synthetic.ts';
import { commitSyntheticHistory } from './history.ts';
import { againstFloor, interleaved, NODE, REPO_ROOT, scratchDir, timeProcess, type BenchRow } from './harness.ts';

/** A bare Astro project with `size` trivial pages: the yardstick for our build. */
function bareProject(size: number): string {
  const dir = scratchDir(`bare-${size}`);
  mkdirSync(path.join(dir, 'src/pages'), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(path.join(dir, 'astro.config.mjs'), "export default { output: 'static' };\n");
  writeFileSync(
    path.join(dir, 'src/pages/[n].astro'),
    `---\nexport function getStaticPaths() { return Array.from({ length: ${size} }, (_, n) => ({ params: { n: String(n) } })); }\nconst { n } = Astro.params;\n---\n<html><body><h1>Page {n}</h1></body></html>\n`,
  );
  return dir;
}

function recordPageStats(out: string): { maxBytes: number; scriptBytes: number; pages: number } {
  let maxBytes = 0;
  let scriptBytes = 0;
  let pages = 0;
  for (const kindDir of readdirSync(out)) {
    const full = path.join(out, kindDir);
    if (!statSync(full).isDirectory() || ['_astro', 'api', 'pagefind', 'search', 'topology'].includes(kindDir)) continue;
    for (const id of readdirSync(full)) {
      const file = path.join(full, id, 'index.html');
      try {
        const html = readFileSync(file, 'utf8');
        pages++;
        maxBytes = Math.max(maxBytes, Buffer.byteLength(html));
        scriptBytes += (html.match(/<script[\s\S]*?<\/script>/gi) ?? []).reduce((n, s) => n + s.length, 0);
      } catch {
        // Not a record page directory.
      }
    }
  }
  return { maxBytes, scriptBytes, pages };
}

/** The read API's files and the readiness chart of one wave page: both are part of every build measured. */
function apiAndChartStats(out: string): { apiFiles: number; inventoryBytes: number; chartDays: number } {
  const apiFiles = readdirSync(path.join(out, 'api/records')).length + 2;
  const inventoryBytes = statSync(path.join(out, 'api/inventory.json')).size;
  const wave = readdirSync(path.join(out, 'migration-waves')).find((d) => statSync(path.join(out, 'migration-waves', d)).isDirectory())!;
  const figure = /<figure class="readiness-chart">[\s\S]*?<\/figure>/.exec(readFileSync(path.join(out, 'migration-waves', wave, 'index.html'), 'utf8'))?.[0] ?? '';
  return { apiFiles, inventoryBytes, chartDays: (figure.match(/<rect /g) ?? []).length };
}

/** Days of history given to each synthetic inventory, after the day it is first committed. */
const HISTORY_DAYS = 8;

/** Everything a build keeps in the inventory's `.cache/` but the laid-out diagrams: a cold build as CI that kept `.cache/diagrams` would run it. */
function forgetAllButDiagrams(root: string): void {
  const cache = path.join(root, '.cache');
  for (const entry of readdirSync(cache)) if (entry !== 'diagrams') rmSync(path.join(cache, entry), { recursive: true, force: true });
}

/** Rounds per size: each round builds bare, cold, cold but for the diagrams, and again with nothing changed, so every ratio comes from one load. */
const ROUNDS: Record<number, number> = { 1_000: 3, 10_000: 2 };

/**
 * `npm run build` over synthetic inventories, cold (no cache: every diagram
 * laid out, every file parsed) and again with nothing changed, each beside a
 * bare Astro build of as many trivial pages measured in the same rounds. And,
 * for the record, cold with only the diagrams kept: what the diagrams cost.
 */
export async function benchSite(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of [1_000, 10_000]) {
    const root = scratchDir(`site-${size}`);
    await writeSyntheticInventory(root, size, REPO_ROOT);
    commitSyntheticHistory(root, '2026-06-01', HISTORY_DAYS);
    const out = path.join(root, 'dist');
    const build = () => timeProcess(NODE, [path.join(REPO_ROOT, 'scripts/build.ts'), '--root', root, '--out', out, '--now', '2026-06-10T00:00:00Z']);
    const bare = bareProject(size);
    const runs = interleaved(ROUNDS[size]!, {
      bare: {
        run: () => timeProcess(NODE, [path.join(REPO_ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--silent'], bare, { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' }),
      },
      cold: { before: () => rmSync(path.join(root, '.cache'), { recursive: true, force: true }), run: build },
      diagramsKept: { before: () => forgetAllButDiagrams(root), run: build },
      rebuild: { run: build },
    });
    const stats = recordPageStats(out);
    const api = apiAndChartStats(out);
    const floor = `bare Astro of ${size} pages`;
    const big = size === 10_000;
    rows.push(
      { section: 'site', name: `${size} trivial pages, bare Astro build (floor)`, value: Math.round(runs.bare.ms), unit: 'ms' },
      againstFloor('site', `${size} records, build cold`, runs.cold, runs.bare, floor, 3),
      {
        section: 'site',
        name: `${size} records, build cold but for the diagrams (kept in .cache/diagrams), ${(runs.diagramsKept.ms / runs.bare.ms).toFixed(2)}× ${floor}`,
        value: Math.round(runs.diagramsKept.ms),
        unit: 'ms',
      },
      againstFloor('site', `${size} records, build with nothing changed`, runs.rebuild, runs.bare, floor, 1.5),
      { section: 'site', name: `${size} records, largest record page`, value: stats.maxBytes, unit: 'B', target: '≤ 30000', ok: stats.maxBytes <= 30_000 },
      { section: 'site', name: `${size} records, JavaScript on ${stats.pages} record pages`, value: stats.scriptBytes, unit: 'B', target: '0', ok: stats.scriptBytes === 0 },
      { section: 'site', name: `${size} records, read API files (dist/api/)`, value: api.apiFiles, unit: 'files' },
      { section: 'site', name: `${size} records, api/inventory.json`, value: api.inventoryBytes, unit: 'B' },
      { section: 'site', name: `${size} records, readiness chart days on a wave page`, value: api.chartDays, unit: 'days', target: `${HISTORY_DAYS + 1}`, ok: api.chartDays === HISTORY_DAYS + 1 },
    );
    const peak = Math.max(runs.cold.maxRssMb ?? 0, runs.rebuild.maxRssMb ?? 0);
    if (peak > 0) {
      rows.push({ section: 'site', name: `${size} records, build peak memory`, value: Math.round(peak), unit: 'MB', ...(big ? { target: '≤ 1024', ok: peak <= 1024 } : {}) });
    }
    rmSync(root, { recursive: true, force: true });
    rmSync(bare, { recursive: true, force: true });
  }
  return rows;
}
