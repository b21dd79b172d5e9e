import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import path from 'node:path';
import { oneOf, parseCommandLine, parseNow, runCommand, UsageError } from '../src/cli/args.ts';
import { openOrRefuse } from '../src/cli/open-or-refuse.ts';
import { headCommit } from '../src/git/history.ts';
import { InterHubError } from '../src/interhub/errors.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { writeFileAtomic } from '../src/util/atomic-write.ts';
import { bootstrap, BOOTSTRAP_RUNBOOK } from '../src/sync/bootstrap.ts';
import { interHubBase, requireRuntimeCredentials, syncConfigFromEnv } from '../src/sync/config.ts';
import { contractOf, ContractRefusedError } from '../src/sync/contract-gate.ts';
import { readDiscoverReport } from '../src/sync/discover-report.ts';
import { renderContractCheck } from '../src/output/contract-report.ts';
import { renderSyncReport, SYNC_REPORT_FORMATS } from '../src/output/sync-report.ts';
import { keyPrefix } from '../src/sync/report.ts';
import { NeededRouteError } from '../src/sync/route-needs.ts';
import { runSync, type SyncRun } from '../src/sync/run-sync.ts';

const USAGE = `usage: npm run sync -- [--plan | --apply | --bootstrap | --check-contract] [--report FILE] [--mapping FILE]
                      [--format text|md|json] [--root DIR] [--hub ID|SLUG] [--now ISO] [--key-out FILE]
                      [--discover-report FILE] [--site-url URL]
  environment: IHUB_BASE, IHUB_CLIENT_ID, OPS_HUB_KEY (runtime key), IHUB_OPERATOR_KEY (--bootstrap only),
               OPS_HUB_SITE_URL (as --site-url)`;

const DEFAULT_KEY_OUT = path.join(homedir(), '.config', 'ops-hub', 'OPS_HUB_KEY');

const err = (line: string) => process.stderr.write(`${line}\n`);

/** The key file must never land in a checkout, where it could be committed. */
function keyOutPath(value: string | undefined, root: string): string {
  const file = path.resolve(value ?? DEFAULT_KEY_OUT);
  const fromRepo = path.relative(path.resolve(root), file);
  if (!fromRepo.startsWith('..') && !path.isAbsolute(fromRepo)) {
    throw new UsageError(`--key-out ${file} is inside the repository: keep the key outside Git (default ${DEFAULT_KEY_OUT})`);
  }
  return file;
}

/** Both are whole or absent (a rename); they are this run's account, which a rerun writes again, so neither waits for the disk. */
async function writeOutputs(run: SyncRun, args: { report?: string | undefined; mapping?: string | undefined }): Promise<void> {
  if (args.report) await writeFileAtomic(args.report, `${JSON.stringify(run.report, null, 2)}\n`, undefined, { durable: false });
  if (args.mapping) await writeFileAtomic(args.mapping, `${JSON.stringify(run.mapping, null, 2)}\n`, undefined, { durable: false });
}

await runCommand(async () => {
  const args = parseCommandLine(
    process.argv.slice(2),
    {
      plan: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
      bootstrap: { type: 'boolean', default: false },
      report: { type: 'string' },
      mapping: { type: 'string' },
      format: { type: 'string' },
      root: { type: 'string', default: '.' },
      hub: { type: 'string' },
      now: { type: 'string' },
      'key-out': { type: 'string' },
      'check-contract': { type: 'boolean', default: false },
      'discover-report': { type: 'string' },
      'site-url': { type: 'string' },
    },
    USAGE,
  );
  const modes = (['plan', 'apply', 'bootstrap', 'check-contract'] as const).filter((m) => args[m]);
  if (modes.length > 1) throw new UsageError(`choose one of --plan, --apply, --bootstrap, --check-contract\n${USAGE}`);
  const mode = modes[0] ?? 'plan';
  const format = oneOf('format', args.format, SYNC_REPORT_FORMATS, 'text');

  if (mode === 'check-contract') {
    // The OpenAPI is public: the token goes along when there is one, since some deployments protect it.
    const clientId = process.env['IHUB_CLIENT_ID'];
    const key = process.env['OPS_HUB_KEY'];
    const check = await contractOf(interHubBase(process.env['IHUB_BASE']), clientId && key ? { clientId, clientSecret: key } : undefined);
    process.stdout.write(renderContractCheck(check, format));
    return check.verdict === 'agrees' ? 0 : check.verdict === 'differs' ? 1 : 2;
  }
  const keyOut = mode === 'bootstrap' ? keyOutPath(args['key-out'], args.root) : undefined;
  const discoverFile = args['discover-report'];
  const discover = discoverFile ? { report: await readDiscoverReport(discoverFile), file: discoverFile } : undefined;

  // git names the commit while the inventory opens.
  const commit = process.env['GITHUB_SHA'] ? Promise.resolve(process.env['GITHUB_SHA']) : headCommit(args.root);
  const opened = await openOrRefuse(args.root, {
    now: parseNow(args.now),
    nowGiven: args.now !== undefined,
    cache: await fileParseCache(args.root),
    needsManifest: true,
    refusal: 'sync: refused — the inventory fails validate; nothing was sent',
  });
  if (!opened) return 1;
  const { graph, manifest } = opened;
  const config = syncConfigFromEnv(process.env, manifest.hub.slug, { hub: args.hub, siteUrl: args['site-url'] });
  const commitSha = await commit;
  const common = {
    base: config.base,
    hub: config.hub,
    log: err,
    ...(commitSha ? { commitSha } : {}),
    ...(config.siteUrl ? { siteUrl: config.siteUrl } : {}),
    ...(discover ? { discover } : {}),
  };

  try {
    if (mode === 'bootstrap') {
      if (!config.operatorKey) throw new UsageError('--bootstrap needs IHUB_OPERATOR_KEY in the environment (the Inter-Hub operator key)');
      const result = await bootstrap({
        base: config.base,
        operatorKey: config.operatorKey,
        manifest,
        ...(config.clientId && config.key ? { existing: { clientId: config.clientId, key: config.key } } : {}),
        log: err,
      });
      if (result.gate.status !== 'open' || !result.hub || !result.consumer || !result.key) {
        process.stdout.write(`${JSON.stringify(result.gate, null, 2)}\n`);
        err(`sync: the bootstrap API gate is ${result.gate.status}: ${result.gate.reasons.join('; ')}`);
        err(`sync: nothing was created. While the gate is closed, bootstrap is the attended path of ${BOOTSTRAP_RUNBOOK} (Inter-Hub UI or SQL).`);
        return 1;
      }
      process.stdout.write(`hub ${result.hub.slug} ${result.hub.id} (${result.hub.step})\n`);
      process.stdout.write(`manifest ${result.manifest!.version} ${result.manifest!.id} (${result.manifest!.step})\n`);
      process.stdout.write(`API consumer ${result.consumer.name} ${result.consumer.id} (${result.consumer.step})\n`);
      let key = config.key!;
      if ('secret' in result.key) {
        key = result.key.secret;
        await writeFileAtomic(keyOut!, `${key}\n`, 0o600);
        process.stdout.write(`API key ${keyPrefix(key)} created; the whole key is in ${keyOut} (mode 600), nowhere else.\n`);
        process.stdout.write(`  Store it in the secret store as OPS_HUB_KEY (OpenBao platform/operators/ops-hub/runtime, and the CI secret OPS_HUB_KEY),\n`);
        process.stdout.write(`  set IHUB_CLIENT_ID=${result.consumer.id}, then delete ${keyOut}.\n`);
      } else {
        process.stdout.write('API key: the OPS_HUB_KEY in the environment works for this consumer; no new key created\n');
      }
      const run = await runSync(graph, { ...common, hub: result.hub.id, mode: 'apply', credentials: { clientId: result.consumer.id, clientSecret: key } });
      process.stdout.write(renderSyncReport(run.report, format));
      await writeOutputs(run, args);
      return run.outcome.complete ? 0 : 1;
    }

    const run = await runSync(graph, { ...common, mode, credentials: requireRuntimeCredentials(config) });
    process.stdout.write(renderSyncReport(run.report, format));
    await writeOutputs(run, args);
    return run.outcome.complete ? 0 : 1;
  } catch (error) {
    if (!(error instanceof InterHubError || error instanceof NeededRouteError || error instanceof ContractRefusedError)) throw error;
    err(`sync: ${error.message}`);
    err(
      mode === 'bootstrap'
        ? 'sync: bootstrap stopped; what it created stays, and a re-run reuses it'
        : error instanceof ContractRefusedError
          ? 'sync: nothing was sent'
          : 'sync: stopped while reading Inter-Hub, before any write; nothing was sent',
    );
    if (args.report) {
      const failure = { runId: randomUUID(), mode, base: config.base, complete: false, error: { code: error.code, route: error.route, message: error.message } };
      await writeFileAtomic(args.report, `${JSON.stringify(failure, null, 2)}\n`);
    }
    return 1;
  }
});
