import { parseCommandLine, runCommand, UsageError } from '../src/cli/args.ts';
import { probeBootstrapGate } from '../src/interhub/gate-probe.ts';
import { interHubBase } from '../src/sync/config.ts';
import { HTTP_TIMEOUT_MS } from '../src/util/http-agent.ts';

const USAGE = 'usage: npm run probe:gate -- [--base URL] [--timeout-ms N]   (default base: $IHUB_BASE, else https://hub.coulomb.social)';

/** Production Inter-Hub (OPS-WP-0002); the default when neither --base nor IHUB_BASE says otherwise. */
const PRODUCTION_BASE = 'https://hub.coulomb.social';

const EXIT = { open: 0, closed: 1, unreachable: 2 } as const;

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), { base: { type: 'string' }, 'timeout-ms': { type: 'string' } }, USAGE);
  const base = interHubBase(args.base ?? process.env['IHUB_BASE'] ?? PRODUCTION_BASE, args.base ? '--base' : 'IHUB_BASE');
  const timeoutMs = args['timeout-ms'] === undefined ? HTTP_TIMEOUT_MS : Number(args['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout-ms must be a positive whole number of milliseconds\n${USAGE}`);
  const verdict = await probeBootstrapGate(base, { timeoutMs });
  process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  return EXIT[verdict.status];
});
