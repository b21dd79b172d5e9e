import { displayPathFor, oneOf, parseCommandLine, parseNow, runCommand, UsageError } from '../src/cli/args.ts';
import { compareInventories } from '../src/diff/change-set.ts';
import { neighbourhoodMermaid } from '../src/diff/neighbourhood.ts';
import { checkInventory, modelAndGraph, openInventory, openWorkingTree } from '../src/inventory.ts';
import { gitSource, GitRefError } from '../src/load/git-source.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import type { InventorySource } from '../src/load/source.ts';
import { previousRun, validationKey } from '../src/load/tree-index.ts';
import { DIFF_FORMATS, renderDiffReport } from '../src/output/diff-report.ts';

const USAGE = 'usage: npm run diff -- --base REF [--head REF] [--format md|json] [--root DIR] [--now ISO]   (--head defaults to the working tree)';

await runCommand(async () => {
  const args = parseCommandLine(
    process.argv.slice(2),
    { base: { type: 'string' }, head: { type: 'string' }, format: { type: 'string' }, root: { type: 'string', default: '.' }, now: { type: 'string' } },
    USAGE,
  );
  if (!args.base) throw new UsageError(`--base is required\n${USAGE}`);
  const format = oneOf('format', args.format, DIFF_FORMATS, 'md');
  const now = parseNow(args.now);
  const source = async (ref: string): Promise<InventorySource> => {
    try {
      return await gitSource(args.root, ref);
    } catch (err) {
      if (err instanceof GitRefError) throw new UsageError(`${err.message}\n${USAGE}`);
      throw err;
    }
  };
  // The working tree through validate's tree index: files unchanged since validate ran are not read, and
  // when none changed (at the same --now) validate's diagnostics are the head's. Git trees name their
  // blobs: a blob the cache knows is not read either.
  // git lists both refs while the tree index is read and checked (a rejection is awaited below, not lost).
  const listedBase = source(args.base);
  const listedHead = args.head ? source(args.head) : undefined;
  listedBase.catch(() => {});
  listedHead?.catch(() => {});
  const previous = args.head ? undefined : await previousRun(args.root, args.now !== undefined ? validationKey(now) : undefined);
  const [baseSource, headSource] = await Promise.all([listedBase, listedHead]);
  // One content-keyed cache for both sides; validate's, read but never written (parse-cache.ts `readOnly`).
  const cache = await fileParseCache(args.root, { readOnly: true });
  const head = headSource ? await openInventory(headSource, { now, cache }) : await openWorkingTree(args.root, previous ?? {}, { now, cache });
  // The base takes the head's files where the blob is the same: only what the change touched is loaded and modelled again.
  const base = await modelAndGraph(baseSource, { now, cache, reuse: head.modelled });
  const changes = compareInventories(base, head, () => checkInventory(base).diagnostics);
  const diagram = neighbourhoodMermaid(changes, base.graph, head.graph);
  process.stdout.write(
    renderDiffReport(
      {
        base: args.base,
        head: args.head ?? 'working tree',
        changes,
        ...(diagram ? { diagram } : {}),
        headRecords: head.graph.size,
        displayPath: displayPathFor(args.root),
      },
      format,
    ),
  );
  return head.errors > 0 ? 1 : 0;
});
