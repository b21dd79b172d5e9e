import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parseCommandLine, runCommand } from '../src/cli/args.ts';
import { openOrRefuse } from '../src/cli/open-or-refuse.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { indexedPages, opsHub, siteAstroConfig } from '../src/site/integration.ts';
import { builtWholeFrom, setAside, stampWholeSite } from '../src/site/previous-site.ts';
import { siteOptions } from '../src/site/site-config.ts';
import { prepareSiteData, startLayoutIfCold } from '../src/site/prepared-data.ts';
import { siteDigest } from '../src/site/site-version.ts';

const USAGE = 'usage: npm run build -- [--root DIR] [--out DIR] [--base /sub/path/] [--repo-url URL] [--now ISO]';
const PROJECT = path.resolve(import.meta.dirname, '..');

// After a full GC, V8 lets the heap grow to up to 4× what was live before the next one. Rendering
// 10,000 pages then peaked at 1.1-1.2 GB resident with about 200 MB live; growing by half at a time
// held the peak at 0.74-0.88 GB, for no more CPU. Read at each GC, so setting it here, before the build, holds.
setFlagsFromString('--heap-growing-percent=50');

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), {
    root: { type: 'string' },
    out: { type: 'string' },
    base: { type: 'string' },
    'repo-url': { type: 'string' },
    now: { type: 'string' },
  }, USAGE);
  // Flags override ops-hub.config.json; the integration validates the result before anything is written.
  const site = opsHub(await siteOptions({ root: args.root, outDir: args.out, base: args.base, repoUrl: args['repo-url'], now: args.now }));
  const { root, outDir, now } = site.settings;

  // Chromium loads mermaid while the inventory opens, when every diagram is to be laid out.
  const layout = startLayoutIfCold(site.settings);
  // The site is built only from an inventory that validates, with the same diagnostics.
  let opened: Awaited<ReturnType<typeof openOrRefuse>> | undefined;
  try {
    opened = await openOrRefuse(root, { now, nowGiven: args.now !== undefined, cache: await fileParseCache(root), refusal: 'build: refused, the inventory does not validate' });
  } finally {
    if (!opened) await layout?.close();
  }
  if (!opened) return 1;
  const shownOut = path.relative(process.cwd(), outDir) || '.';

  // The last site, built whole from the very same records, settings and program, is the site.
  const digest = siteDigest(opened.graph, await site.pageSettings());
  if (await builtWholeFrom(root, outDir, digest)) {
    await layout?.close();
    process.stdout.write(
      `kept the site in ${shownOut} as the last build left it: made from the same ${opened.graph.size} records, settings and program (${await indexedPages(outDir)} pages indexed for search)\n`,
    );
    return 0;
  }
  // Diagrams and git history start now, alongside Astro's bundling and the pages that need neither.
  prepareSiteData(opened.graph, site.settings, layout);

  // Astro stages the prerendered pages in <working directory>/.astro/ (when the output is outside it) and
  // deletes them when done; they must sit inside the project to resolve its packages. A working directory
  // of its own there keeps builds that run at the same time (tests, a second checkout's build) apart.
  await mkdir(path.join(PROJECT, '.astro'), { recursive: true });
  const staging = await mkdtemp(path.join(PROJECT, '.astro', 'build-'));
  process.chdir(staging);
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  const previous = await setAside(outDir);
  site.reuseFrom(previous);
  try {
    // Imported here: a build that keeps its last site does not pay the second it takes.
    const { build } = await import('astro');
    await build({ ...siteAstroConfig(site), root: PROJECT, configFile: false, logLevel: 'warn' });
  } finally {
    await Promise.all([rm(staging, { recursive: true, force: true }), previous?.remove()]);
  }
  await stampWholeSite(root, outDir, digest);

  process.stdout.write(`built ${opened.graph.size} records into ${shownOut} (${await indexedPages(outDir)} pages indexed for search)\n`);
  return 0;
});
