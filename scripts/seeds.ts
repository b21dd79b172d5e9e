import path from 'node:path';
import { displayPathFor, parseCommandLine, runCommand } from '../src/cli/args.ts';
import { openInventory } from '../src/inventory.ts';
import { directorySource } from '../src/load/source.ts';
import { withInventoryLock } from '../src/load/write-lock.ts';
import { MANIFEST_FILE, WIDGET_SEED_FILE } from '../src/model/vocabulary.ts';
import { renderDiagnostics } from '../src/output/diagnostics.ts';
import { writeFileAtomic } from '../src/util/atomic-write.ts';
import { manifestSeedText, widgetSeedText } from '../src/seeds/seed-files.ts';

const USAGE = 'usage: npm run seeds -- [--root DIR]';

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), { root: { type: 'string', default: '.' } }, USAGE);
  // Read, generate and write under the write lock, so a concurrent run writes after this one, from what it wrote.
  return withInventoryLock(args.root, async () => {
    const { graph, diagnostics } = await openInventory(directorySource(args.root), { now: Date.now() });
    // Stale seeds are what this command fixes; anything else must be fixed first.
    const blocking = diagnostics.filter((d) => d.severity === 'error' && d.code !== 'seed-stale');
    if (blocking.length > 0 || !graph.manifest) {
      process.stderr.write(renderDiagnostics(blocking, 'text', { displayPath: displayPathFor(args.root), records: graph.size }));
      process.stderr.write('seeds: not written — fix the errors above first\n');
      return 1;
    }
    await writeFileAtomic(path.join(args.root, MANIFEST_FILE), manifestSeedText(graph.manifest));
    await writeFileAtomic(path.join(args.root, WIDGET_SEED_FILE), widgetSeedText(graph, graph.manifest));
    process.stdout.write(`seeds: wrote ${MANIFEST_FILE} and ${WIDGET_SEED_FILE} (${graph.size} widgets)\n`);
    return 0;
  });
});
