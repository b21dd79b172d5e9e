import path from 'node:path';
import { preview } from 'astro';
import { parseCommandLine, positiveInteger, runCommand } from '../src/cli/args.ts';
import { opsHub, siteAstroConfig } from '../src/site/integration.ts';
import { siteOptions } from '../src/site/site-config.ts';

const USAGE = 'usage: npm run preview -- [--port N] [--base /sub/path/] [--out DIR]';

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), {
    port: { type: 'string' },
    base: { type: 'string' },
    out: { type: 'string' },
  }, USAGE);
  const port = positiveInteger('port', args.port, 4321);
  // The same settings as the build (ops-hub.config.json, then flags), so the site is served where its links point.
  const site = opsHub(await siteOptions({ base: args.base, outDir: args.out }));
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  const server = await preview({
    ...siteAstroConfig(site),
    root: path.resolve(import.meta.dirname, '..'),
    configFile: false,
    server: { host: '127.0.0.1', port },
  });
  process.stdout.write(`serving ${site.settings.outDir} on http://127.0.0.1:${server.port}${site.settings.base} (Ctrl-C to stop)\n`);
  await server.closed();
  return 0;
});
