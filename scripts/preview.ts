import { preview } from 'astro';
import { parseCommandLine, runCommand } from '../src/cli/args.ts';
import path from 'node:path';

const USAGE = 'usage: npm run preview -- [--port N] [--base /sub/path/]';

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), {
    port: { type: 'string', default: '4321' },
    base: { type: 'string', default: process.env.OPS_HUB_SITE_BASE ?? '/' },
  }, USAGE);
  process.env.OPS_HUB_SITE_BASE = args.base;
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  const server = await preview({ root: path.resolve(import.meta.dirname, '..'), server: { host: '127.0.0.1', port: Number(args.port) } });
  process.stdout.write(`serving dist/ on http://127.0.0.1:${server.port}${args.base} (Ctrl-C to stop)\n`);
  await server.closed();
  return 0;
});
