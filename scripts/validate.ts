import { displayPathFor, oneOf, parseCommandLine, parseNow, runCommand } from '../src/cli/args.ts';
import { readTreeIndex, storedResult, validationKey, type TreeIndex, type Validation } from '../src/load/tree-index.ts';
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
  const index = cached ? await readTreeIndex(root) : undefined;
  // Evidence ages against --now: without it the clock has moved since the last run, so its result is not reused.
  const key = cached && args.now !== undefined ? validationKey(now) : undefined;
  // Nothing changed since the run that stored this result: answered without loading the model, the parser or any file.
  const { diagnostics, records, dotfiles } = (key && storedResult<Validation>(root, index, key)) || (await validate(root, now, cached, index, key));
  process.stdout.write(renderDiagnostics(diagnostics, format, { displayPath: displayPathFor(root), records, dotfiles }));
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
});

/** Opens the inventory; with the caches, files unchanged since the last run are known from the tree index and their records from the record cache. */
async function validate(root: string, now: number, cached: boolean, index: TreeIndex | undefined, key: string | undefined): Promise<Validation> {
  const [{ openInventory }, { directorySource }, { fileParseCache }, { indexedSource }, { TOP_FOLDERS }] = await Promise.all([
    import('../src/inventory.ts'),
    import('../src/load/source.ts'),
    import('../src/load/parse-cache.ts'),
    import('../src/load/tree-index.ts'),
    import('../src/load/list-records.ts'),
  ]);
  const tree = cached ? indexedSource(root, index, TOP_FOLDERS) : undefined;
  const opened = await openInventory(tree?.source ?? directorySource(root), { now, ...(cached ? { cache: await fileParseCache(root) } : {}) });
  const validation: Validation = { diagnostics: opened.diagnostics, records: opened.graph.size, dotfiles: opened.modelled.dotfiles };
  await tree?.save(key ? { key, value: validation } : undefined);
  return validation;
}
