import { displayPathFor, oneOf, parseCommandLine, parseNow, runCommand } from '../src/cli/args.ts';
import { openInventory } from '../src/inventory.ts';
import { directorySource } from '../src/load/source.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
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
  const { graph, modelled, diagnostics, errors } = await openInventory(directorySource(root), {
    now: parseNow(args.now),
    ...(args['no-cache'] ? {} : { cache: await fileParseCache(root) }),
  });
  process.stdout.write(renderDiagnostics(diagnostics, format, { displayPath: displayPathFor(root), records: graph.size, dotfiles: modelled.dotfiles }));
  return errors > 0 ? 1 : 0;
});
