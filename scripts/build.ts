import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'astro';
import * as pagefind from 'pagefind';
import { displayPathFor, parseCommandLine, parseNow, runCommand } from '../src/cli/args.ts';
import { openInventory } from '../src/inventory.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { directorySource } from '../src/load/source.ts';
import { renderDiagnostics } from '../src/output/diagnostics.ts';
import { normaliseBase } from '../src/site/site-config.ts';

const USAGE = 'usage: npm run build -- [--root DIR] [--out DIR] [--base /sub/path/] [--repo-url URL] [--now ISO]';
const PROJECT = path.resolve(import.meta.dirname, '..');

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), {
    root: { type: 'string', default: '.' },
    out: { type: 'string', default: 'dist' },
    base: { type: 'string', default: process.env.OPS_HUB_SITE_BASE ?? '/' },
    'repo-url': { type: 'string', default: process.env.OPS_HUB_REPO_URL },
    now: { type: 'string' },
  }, USAGE);
  const root = path.resolve(args.root);
  const out = path.resolve(args.out);
  const now = parseNow(args.now);

  // The site is built only from an inventory that validates, with the same diagnostics.
  const { diagnostics, errors, graph } = await openInventory(directorySource(root), { now, cache: await fileParseCache(root) });
  if (errors > 0) {
    process.stderr.write(renderDiagnostics(diagnostics, 'text', { displayPath: displayPathFor(root), records: graph.size }));
    process.stderr.write('build: refused, the inventory does not validate\n');
    return 1;
  }

  // Vite reads BASE_URL from the environment too (test runners set it); the --base flag decides.
  delete process.env.BASE_URL;
  Object.assign(process.env, {
    OPS_HUB_ROOT: root,
    OPS_HUB_SITE_BASE: normaliseBase(args.base),
    OPS_HUB_NOW: new Date(now).toISOString(),
    OPS_HUB_OUT_DIR: out,
    ASTRO_TELEMETRY_DISABLED: '1',
    ...(args['repo-url'] ? { OPS_HUB_REPO_URL: args['repo-url'] } : {}),
  });
  await rm(out, { recursive: true, force: true });
  await build({ root: PROJECT, logLevel: 'warn' });

  const { index, errors: indexErrors } = await pagefind.createIndex({});
  if (!index) throw new Error(`pagefind: ${indexErrors.join('; ')}`);
  const added = await index.addDirectory({ path: out });
  if (added.errors.length > 0) throw new Error(`pagefind: ${added.errors.join('; ')}`);
  await index.writeFiles({ outputPath: path.join(out, 'pagefind') });
  await pagefind.close();

  process.stdout.write(`built ${graph.size} records into ${path.relative(process.cwd(), out) || '.'} (${added.page_count} pages indexed for search)\n`);
  return 0;
});
