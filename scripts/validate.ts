import { displayPathFor, oneOf, parseCommandLine, parseNow, runCommand } from '../src/cli/args.ts';
import { previousRun, validationKey, type PreviousRun, type Validation } from '../src/load/tree-index.ts';
import { DIAGNOSTIC_FORMATS, renderDiagnostics } from '../src/output/diagnostics.ts';

const USAGE = 'usage: npm run validate -- [--root DIR] [--format text|json|github] [--now ISO] [--no-cache]';

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), {
    root: { type: 'string', default: '.' },
    format: { type: 'string' },
    now: { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
  }, USAGE);
  const format = oneOf('format', args.format, DIAGNOSTIC_FORMATS, 'text');
  const root = args.root;
  const now = parseNow(args.now);
  const cached = !args['no-cache'];
  // Evidence ages against --now: without it the clock has moved since the last run, so its result is not reused.
  const key = cached && args.now !== undefined ? validationKey(now) : undefined;
  const previous = cached ? await previousRun(root, key) : undefined;
  // Files the last run knew only by content, and that are settled now, are stamped again (tree-index.ts `restamp`).
  await previous?.restamp?.();
  // Nothing changed since the run that stored this verdict: answered without loading the model, the parser or any file.
  const { diagnostics, records, dotfiles } = previous?.verdict ?? (await validate(root, now, previous, key));
  process.stdout.write(renderDiagnostics(diagnostics, format, { displayPath: displayPathFor(root), records, dotfiles }));
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
});

/** Opens the inventory; with the caches (`previous`), files unchanged since the last run are known from the tree index and their records from the record cache. */
async function validate(root: string, now: number, previous: PreviousRun | undefined, key: string | undefined): Promise<Validation> {
  const [{ openInventory, openWorkingTree, verdictOf }, { directorySource }, { fileParseCache }] = await Promise.all([
    import('../src/inventory.ts'),
    import('../src/load/source.ts'),
    import('../src/load/parse-cache.ts'),
  ]);
  return verdictOf(
    previous
      ? await openWorkingTree(root, previous, { now, cache: await fileParseCache(root), keep: { key } })
      : await openInventory(directorySource(root), { now }),
  );
}
