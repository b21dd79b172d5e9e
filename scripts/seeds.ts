import path from 'node:path';
import { parseCommandLine, runCommand } from '../src/cli/args.ts';
import { openOrRefuse } from '../src/cli/open-or-refuse.ts';
import { withInventoryLock } from '../src/load/write-lock.ts';
import { MANIFEST_FILE, WIDGET_SEED_FILE } from '../src/model/vocabulary.ts';
import { writeFileAtomic } from '../src/util/atomic-write.ts';
import { manifestSeedText, widgetSeedText } from '../src/seeds/seed-files.ts';

const USAGE = 'usage: npm run seeds -- [--root DIR]';

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), { root: { type: 'string', default: '.' } }, USAGE);
  // Read, generate and write under the write lock, so a concurrent run writes after this one, from what it wrote.
  return withInventoryLock(args.root, async () => {
    // Stale seeds are what this command fixes; anything else must be fixed first.
    const opened = await openOrRefuse(args.root, {
      now: Date.now(),
      tolerate: (d) => d.code === 'seed-stale',
      needsManifest: true,
      refusal: 'seeds: not written — fix the errors above first',
    });
    if (!opened) return 1;
    const { graph, manifest } = opened;
    await writeFileAtomic(path.join(args.root, MANIFEST_FILE), manifestSeedText(manifest));
    await writeFileAtomic(path.join(args.root, WIDGET_SEED_FILE), widgetSeedText(graph, manifest));
    process.stdout.write(`seeds: wrote ${MANIFEST_FILE} and ${WIDGET_SEED_FILE} (${graph.size} record widgets and the service catalogue)\n`);
    return 0;
  });
});
