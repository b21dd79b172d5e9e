import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCommandLine, runCommand, UsageError } from '../src/cli/args.ts';
import { REPO_ROOT, type BenchRow } from './bench/harness.ts';
import { benchProbe } from './bench/probe.ts';
import { benchDiff } from './bench/diff.ts';
import { benchDiscover } from './bench/discover.ts';
import { benchSite } from './bench/site.ts';
import { benchSync } from './bench/sync.ts';
import { benchValidate } from './bench/validate.ts';

/** Each section measures one command the way users run it; targets come from the issues. */
const SECTIONS: Record<string, () => Promise<BenchRow[]>> = {
  validate: benchValidate,
  site: benchSite,
  diff: benchDiff,
  sync: benchSync,
  probe: benchProbe,
  discover: benchDiscover,
};

const USAGE = `usage: npm run bench -- [--only ${Object.keys(SECTIONS).join(',')}]`;

await runCommand(async () => {
  // Every command and floor starts as `npm run` starts ours (scripts/run.sh): with the compile cache.
  process.env.NODE_COMPILE_CACHE ??= path.join(REPO_ROOT, 'node_modules/.cache/ops-hub-compile');
  const args = parseCommandLine(process.argv.slice(2), { only: { type: 'string' } }, USAGE);
  const chosen = args.only ? args.only.split(',') : Object.keys(SECTIONS);
  const unknown = chosen.filter((s) => !(s in SECTIONS));
  if (unknown.length > 0) throw new UsageError(`unknown section(s): ${unknown.join(', ')}\n${USAGE}`);
  const rows: BenchRow[] = [];
  for (const section of chosen) {
    process.stderr.write(`bench: ${section}…\n`);
    rows.push(...(await SECTIONS[section]!()));
  }
  const width = Math.max(...rows.map((r) => `${r.section}: ${r.name}`.length));
  for (const r of rows) {
    const verdict = r.ok === undefined ? '' : `  target ${r.target} ${r.ok ? '✔ met' : '✖ missed'}`;
    process.stdout.write(`${`${r.section}: ${r.name}`.padEnd(width)}  ${String(r.value).padStart(8)} ${r.unit}${verdict}\n`);
  }
  await mkdir(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
  await writeFile(path.join(REPO_ROOT, 'test-artifacts/bench.json'), `${JSON.stringify(rows, null, 2)}\n`);
  return 0;
});
